// The XSS corpus (lib/xss-corpus.js, a few hundred payloads) goes into every field a user or
// member of staff can fill; then every public page, both feeds, the poster, the report and the
// staff pages that show those fields are rendered in Chromium with the CSP BYPASSED, so
// escaping alone stands between a payload and the reader. Fails if any payload's hook runs, if
// a payload becomes a live attribute or element in the DOM, if a raw `<script` that is not one
// of our own static scripts is in the HTML, or if a template evaluated a probe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.js';
import { launch, person, shot } from './lib/browser.js';
import { corpus, dealer, EVALUATED_PROBE } from './lib/xss-corpus.js';
import { seed } from './lib/xss-seed.js';
import { signIn } from './lib/steps.js';

const ADMINS = {
  province: { username: 'xss.gs', password: 'Province-xss-2025!', name: '省管理', role: 'admin' },
  unit: { username: 'xss.unit', password: 'Unit-xss-2025!', name: '单位管理', role: 'admin' },
};

/** `<script` tags in raw markup other than our own static, fingerprinted scripts. */
export function foreignScripts(markup) {
  const found = [];
  for (const m of markup.matchAll(/<script\b[^>]*>?/gi)) {
    if (!/^<script src="\/static\/[\w.-]+\.js" defer><?$/.test(m[0]) && !/^<script src="\/static\/[\w.-]+\.js">$/.test(m[0])) {
      found.push(markup.slice(Math.max(0, m.index - 60), m.index + 80));
    }
  }
  return found;
}

/** Live DOM made from a payload: handler attributes or script URLs calling the hook. */
async function liveInjections(page) {
  return page.evaluate(() => {
    const hits = [];
    const scan = (root) => {
      for (const el of root.querySelectorAll('*')) {
        for (const a of el.attributes) {
          const v = a.value || '';
          const name = a.name.toLowerCase();
          if ((name.startsWith('on') && v.includes('__xss')) ||
            (/^(href|src|action|formaction|data|xlink:href|srcdoc)$/.test(name) && /__xss/.test(v) && /^\s*(javascript|data|vbscript)/i.test(v.replace(/[\s\u0000-\u001f]/g, '')))) {
            hits.push(`<${el.tagName.toLowerCase()} ${a.name}="${v.slice(0, 80)}">`);
          }
        }
        if (el.tagName.toLowerCase() === 'script' && (el.textContent || '').includes('__xss')) hits.push(`<script>${el.textContent.slice(0, 80)}`);
        if (el.shadowRoot) scan(el.shadowRoot);
      }
    };
    scan(document);
    return hits;
  });
}

test('no payload of the XSS corpus runs or becomes markup anywhere it is shown', async (t) => {
  const payloads = corpus();
  assert.ok(payloads.length >= 300, `corpus of ${payloads.length}`);
  const server = await startServer('xss');
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await server.stop();
  });
  const fired = new Set();
  const seeded = await seed({ server, browser, deal: dealer(payloads), admins: ADMINS, onHook: (id) => fired.add(id) });
  const { base, noticeId, reportCode } = { base: server.base, ...seeded };
  assert.ok(reportCode, 'the report was issued');

  const context = await person(browser, { bypassCSP: true });
  await context.exposeBinding('__xss', (_source, id) => { fired.add(Number(id)); });
  const page = await context.newPage();
  page.on('dialog', (d) => { fired.add(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });

  await t.test('the detector itself sees a payload that runs (canary)', async () => {
    await page.setContent('<p>canary</p><img src=x onerror=__xss(-1)>', { waitUntil: 'load' });
    await page.waitForTimeout(150);
    assert.ok(fired.has(-1), 'the hook binding works');
    assert.equal((await liveInjections(page)).length, 1, 'the DOM scan finds the handler');
    assert.equal(foreignScripts('<p><script>__xss(-1)</script>').length, 1, 'the markup scan finds the script');
    fired.delete(-1);
  });

  // `shows`: the page must display payload text (escaped), proving the corpus reached it.
  const render = async (label, url, { post, shows = true } = {}) => {
    await t.test(label, async () => {
      const before = fired.size;
      let markup;
      if (post) {
        markup = await post();
      } else {
        const res = await page.goto(`${base}${url}`, { waitUntil: 'load' });
        assert.ok(res.status() < 500, `${url} answered ${res.status()}`);
        markup = await res.text();
      }
      await page.waitForTimeout(150);
      const problems = [];
      const newly = [...fired].slice(before);
      if (newly.length) problems.push(`hooks ran: ${newly.join(', ')}`);
      const scripts = foreignScripts(markup);
      if (scripts.length) problems.push(`raw <script in markup:\n  ${scripts.slice(0, 5).join('\n  ')}`);
      const live = await liveInjections(page);
      if (live.length) problems.push(`live injected markup:\n  ${live.slice(0, 5).join('\n  ')}`);
      if (markup.includes(EVALUATED_PROBE)) problems.push('a template evaluated a {{7*191}} probe');
      if (shows && !markup.includes('__xss(')) problems.push('no payload reached this page');
      if (problems.length) await shot(page, 'xss', label.replace(/[^\w]+/g, '-'));
      assert.deepEqual(problems, [], `${label} (${url ?? 'posted'})`);
    });
  };

  const pages = [
    ['home', '/'],
    ['home search', `/?q=${encodeURIComponent('<script>__xss(0)</script>')}`],
    ['notice', `/notices/${noticeId}`],
    ['revision 1', `/notices/${noticeId}/revisions/1`],
    ['poster', `/notices/${noticeId}/poster`],
    ['objection form after the close', `/notices/${noticeId}/objection`],
    ['campaign', '/campaigns/2025'],
    ...seeded.unitCodes.map((c) => [`unit ${c}`, `/units/${c}`]),
    ['feed rss', '/feeds/notices.rss'],
    ['feed atom', '/feeds/notices.atom'],
    ['feed rss of the unit', '/feeds/notices.rss?unit=XSS'],
    ['notice api as a page', `/api/v1/notices/${noticeId}`],
    ['report', `/reports/${reportCode}`],
    ['report print', `/reports/${reportCode}/print`],
    ['report lookup with a typed payload', `/reports?code=${encodeURIComponent('"><img src=x onerror=__xss(0)>')}`],
    ['not found with a payload path', `/notices/${encodeURIComponent('<svg onload=__xss(0)>')}`],
    ['transparency', '/transparency'],
  ];
  const plain = new Set(['transparency', 'not found with a payload path']);
  for (const [label, url] of pages) await render(label, url, { shows: !plain.has(label) });

  // The receipts were rendered as they were filed (CSP bypassed, hook bound); check their markup.
  for (const [i, r] of seeded.receipts.entries()) {
    await render(`receipt ${i + 1}`, null, { post: async () => {
      await page.setContent(r.markup, { waitUntil: 'load' });
      return r.markup;
    } });
  }
  for (const [i, c] of seeded.cases.entries()) {
    await render(`lookup ${i + 1}`, null, { post: async () => {
      await page.goto(`${base}/objections/lookup`);
      await page.fill('#code', c.code);
      await page.fill('#key', c.key);
      const [res] = await Promise.all([page.waitForNavigation(), page.click('form.lookup-form button')]);
      const markup = await res.text();
      assert.match(markup, /当前状态/);
      return markup;
    } });
  }

  await signIn(page, base, ADMINS.unit, '/admin');
  const staffPages = [
    ['staff objections', '/admin/objections'],
    ...seeded.caseIds.flatMap((id) => [[`staff case ${id}`, `/admin/objections/${id}`], [`staff identity ${id}`, `/admin/objections/${id}/identity`]]),
    ['staff notice', `/admin/notices/${noticeId}`],
    ['staff notices', '/admin/notices'],
    ['staff projects', '/admin/projects'],
    ['staff reports', '/admin/reports'],
    ['staff issue page', `/admin/reports/issue/${noticeId}`],
  ];
  for (const [label, url] of staffPages) await render(label, url);

  await t.test('no hook ran at any moment, filing included', () => {
    assert.equal(fired.size, 0, `hooks ran: ${[...fired].join(', ')}`);
  });
});
