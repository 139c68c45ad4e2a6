// The site on a phone (390×844) with the demo data. Staff side: on every staff page with a data
// table, no cell holding text is narrower than six Chinese characters (6 × its font size) and
// nothing scrolls sideways, while the tables stay tables for screen readers; the staff menu
// opens from 菜单 and every entry of the desktop menu is visible, inside the screen, a ≥44 px
// target and leads to its page. Public side: the notice, the objection form and the receipt fit
// 390 px. Screenshots: target/e2e/mobile/; the narrowest cell of each page: cells.json there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chinaToday, OUT, startServer } from './lib/server.js';
import { launch, person, shot, tinyPdf } from './lib/browser.js';
import { fileObjection } from './lib/flows.js';
import { openStaffMenu, signIn } from './lib/steps.js';

const DIR = 'mobile';
const WIDTH = 390;
const HEIGHT = 844;
const MIN_CHARS = 6;
const TAP = 44;
const DESKTOP = { viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 };
// The province sees every unit's work; the city recommends upward and receives from below.
const PROVINCE = { unit: 'GS', username: 'm.province', password: 'Province-m-2025!', name: '省管理', role: 'admin' };
const CITY = { unit: 'WW', username: 'm.city', password: 'City-m-2025!', name: '市管理', role: 'admin' };
const APPLICANT = { unit: 'E-GDGS', username: 'm.applicant', password: 'Applicant-m-2025!', name: '企管理', role: 'admin' };
// The one demo enterprise whose project was never in a notice: it records one posted offline.
const OFFLINE = { unit: 'E-GLJZ', username: 'm.offline', password: 'Offline-m-2025!', name: '线下管理', role: 'admin' };
const FIXTURE = path.join(import.meta.dirname, 'fixtures', '登记表-2026.xlsx');

/**
 * In the page: every table cell holding visible text in <main> (header cells moved out of sight
 * for screen readers are not on screen and do not count), with its width in px and in
 * characters of its own font size; and whether anything scrolls sideways.
 */
function measure() {
  const outOfSight = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.clipPath !== 'none' || (s.clip !== 'auto' && s.position === 'absolute')) return true;
    }
    return false;
  };
  const cells = [];
  for (const cell of document.querySelectorAll('main td, main th')) {
    const text = cell.innerText.replace(/\s+/g, ' ').trim();
    if (!text || outOfSight(cell) || cell.getClientRects().length === 0) continue;
    const width = cell.getBoundingClientRect().width;
    const chars = width / parseFloat(getComputedStyle(cell).fontSize);
    cells.push({ tag: cell.tagName.toLowerCase(), text: text.slice(0, 24), width: Math.round(width * 10) / 10, chars: Math.round(chars * 100) / 100 });
  }
  const sideways = [...document.querySelectorAll('main *')]
    .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
    .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${e.scrollWidth}>${e.clientWidth}`);
  return {
    tables: document.querySelectorAll('main table').length,
    cells,
    pageWidth: document.scrollingElement.scrollWidth,
    sideways,
  };
}

/** Roles Chromium gives the first table of <main> in its accessibility tree (CDP). */
async function tableRoles(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const roles = {};
    for (const n of nodes) if (!n.ignored) roles[n.role?.value] = (roles[n.role?.value] || 0) + 1;
    return roles;
  } finally {
    await cdp.detach();
  }
}

/** Records, through /admin/offline, a level-1 notice posted on the board today (its scan a small PDF). */
async function recordOffline(page, base, campaignId) {
  await page.goto(`${base}/admin/projects`);
  const project = await page.locator('main tbody a[href^="/admin/projects/"]').first().getAttribute('href');
  await page.goto(`${base}/admin/offline`);
  const today = chinaToday();
  const lastDay = new Date(Date.parse(`${today}T00:00:00Z`) + 4 * 86_400_000).toISOString().slice(0, 10);
  await page.selectOption('#campaign_id', campaignId);
  await page.selectOption('#level', '1');
  await page.fill('#title', '古浪县建筑安装工程有限公司职工技术成果申报公示');
  await page.fill('#posted_where', '本公司办公楼一楼公示栏');
  await page.fill('#starts_on', today);
  await page.fill('#ends_on', lastDay);
  await page.fill('#project_ids', project.split('/').pop());
  await page.setInputFiles('#scan', { name: '张榜照片.pdf', mimeType: 'application/pdf', buffer: tinyPdf('board photo') });
  await Promise.all([page.waitForLoadState('load'), page.click('form[action="/admin/offline/notices"] button')]);
  const flash = await page.locator('p.flash').innerText().catch(() => '');
  assert.ok(flash, `the offline notice is recorded: ${await page.locator('main').innerText()}`);
}

test('staff pages and the objection pages fit a 390 px phone', async (t) => {
  const server = await startServer('mobile');
  const browser = await launch();
  const figures = {};
  t.after(async () => {
    await mkdir(path.join(OUT, DIR), { recursive: true });
    await writeFile(path.join(OUT, DIR, 'cells.json'), JSON.stringify(figures, null, 2));
    await browser.close();
    await server.stop();
  });
  const { base } = server;
  for (const who of [PROVINCE, CITY, APPLICANT, OFFLINE]) await server.addUser(who);
  const noticeId = await server.openNotice('E-GDGS');

  const phoneAs = async (who, next) => {
    const page = await (await person(browser)).newPage();
    await signIn(page, base, who, next);
    return page;
  };
  const province = await phoneAs(PROVINCE, '/admin');
  const city = await phoneAs(CITY, '/admin');
  const applicant = await phoneAs(APPLICANT, '/admin');
  const offline = await phoneAs(OFFLINE, '/admin');

  // Addresses of one record each, found the way staff find them.
  await province.goto(`${base}/admin/projects`);
  const projectPath = await province.locator('main tbody a[href^="/admin/projects/"]').first().getAttribute('href');
  await province.goto(`${base}/admin/campaigns`);
  const campaigns = await province.locator('main tbody a[href^="/admin/campaigns/"]').allInnerTexts();
  await applicant.goto(`${base}/admin/notices/new`);
  const demo2025 = await applicant.locator('#q_campaign option', { hasText: '2025年度' }).getAttribute('value');
  await recordOffline(offline, base, demo2025);
  // Pages reached by a form rather than an address.
  const importPreview = async (page) => {
    await page.goto(`${base}/admin/projects/import`);
    await page.setInputFiles('#file', {
      name: '登记表.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await readFile(FIXTURE),
    });
    const [res] = await Promise.all([page.waitForNavigation(), page.click('form[enctype="multipart/form-data"] button')]);
    return res;
  };

  const pages = [
    ['queue', province, '/admin/objections'],
    ['planner', province, '/admin/campaign'],
    ['planner-2025', province, '/admin/campaign?campaign=2025'],
    ['recommendations-province', province, '/admin/recommendations?campaign=2025'],
    ['recommendations-city', city, '/admin/recommendations?campaign=2025'],
    ['projects', province, '/admin/projects'],
    ['project', province, projectPath],
    ['import-preview', applicant, importPreview],
    ['reports', province, '/admin/reports'],
    ['reports-city', city, '/admin/reports'],
    ['issue', applicant, `/admin/reports/issue/${noticeId}`],
    ['notices', province, '/admin/notices'],
    ['notice-new', applicant, `/admin/notices/new?campaign_id=${demo2025}&level=1`],
    ['campaigns', province, '/admin/campaigns'],
    ['units', province, '/admin/units'],
    ['users', province, '/admin/users'],
    ['tokens', province, '/admin/tokens'],
    ['webhooks', province, '/admin/webhooks'],
    ['audit', province, '/admin/audit'],
    ['offline', offline, '/admin/offline'],
  ];
  assert.ok(campaigns.length >= 2, `the demo has its campaigns: ${campaigns}`);

  const narrowestOf = (cells) => cells.reduce((a, b) => (b.chars < a.chars ? b : a), cells[0]);
  for (const [name, page, open] of pages) {
    const label = typeof open === 'string' ? open : name;
    await t.test(`${name}: ${label} — no cell under ${MIN_CHARS} characters, nothing sideways`, async () => {
      const res = typeof open === 'string' ? await page.goto(`${base}${open}`) : await open(page);
      const url = new URL(page.url()).pathname + new URL(page.url()).search;
      assert.equal(res.status(), 200, `${url} answered ${res.status()}`);
      const m = await page.evaluate(measure);
      await shot(page, DIR, `staff-${name}`);
      assert.ok(m.tables > 0 && m.cells.length > 0, `${url} shows a data table (${m.tables} tables)`);
      const narrowest = narrowestOf(m.cells);
      const narrowestValue = narrowestOf(m.cells.filter((c) => c.tag === 'td'));
      figures[name] = { url, tables: m.tables, cells: m.cells.length, narrowest, narrowestValue, pageWidth: m.pageWidth };
      t.diagnostic(`${name}: narrowest ${narrowest.width}px = ${narrowest.chars} characters (“${narrowest.text}”)`);
      const narrow = m.cells.filter((c) => c.chars < MIN_CHARS);
      assert.deepEqual(narrow, [], `${url}: cells narrower than ${MIN_CHARS} characters`);
      assert.ok(m.pageWidth <= WIDTH, `${url} scrolls sideways: ${m.pageWidth} px wide`);
      assert.deepEqual(m.sideways, [], `${url}: parts that scroll sideways`);
    });
  }

  await t.test('the queue is still a table, with rows, cells and column headers, for screen readers', async () => {
    await province.goto(`${base}/admin/objections`);
    const roles = await tableRoles(province);
    assert.ok(roles.table >= 1, JSON.stringify(roles));
    assert.ok(roles.row > 1 && roles.cell > 1, JSON.stringify(roles));
    assert.ok(roles.columnheader >= 7, JSON.stringify(roles));
  });

  await t.test('above 40rem the tables keep their columns', async () => {
    const page = await (await person(browser, DESKTOP)).newPage();
    await signIn(page, base, PROVINCE, '/admin/objections');
    await page.goto(`${base}/admin/objections`);
    const layout = await page.locator('table.queue').evaluate((table) => ({
      table: getComputedStyle(table).display,
      cell: getComputedStyle(table.querySelector('td')).display,
      head: table.querySelector('thead').getBoundingClientRect().height,
    }));
    assert.deepEqual({ ...layout, head: layout.head > 20 }, { table: 'table', cell: 'table-cell', head: true });
    await page.context().close();
  });

  await t.test('菜单 shows every entry of the desktop menu, on screen, tappable, each leading to its page', async () => {
    const desk = await (await person(browser, DESKTOP)).newPage();
    await signIn(desk, base, PROVINCE, '/admin');
    await desk.goto(`${base}/admin`);
    const entries = await desk.locator('nav.admin-nav a:visible').evaluateAll((as) =>
      as.map((a) => ({ href: a.getAttribute('href'), label: a.innerText.trim() })));
    await desk.context().close();
    assert.ok(entries.length >= 12, `the desktop menu: ${JSON.stringify(entries)}`);

    const page = province;
    await page.goto(`${base}/admin`);
    assert.ok(await openStaffMenu(page), 'on a phone the staff menu opens from 菜单');
    await shot(page, DIR, 'staff-menu-open');
    const summary = await page.locator('nav.admin-nav summary').boundingBox();
    assert.ok(summary.height >= TAP, `菜单 is ${summary.height} px high`);
    for (const { href, label } of entries) {
      const link = page.locator(`nav.admin-nav a[href="${href}"]:visible`);
      assert.equal(await link.count(), 1, `${label} (${href}) shows once in the open menu`);
      assert.equal((await link.innerText()).trim(), label);
      const box = await link.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= WIDTH && box.y >= 0 && box.y + box.height <= HEIGHT,
        `${label} lies inside the 390×844 screen: ${JSON.stringify(box)}`);
      assert.ok(box.height >= TAP && box.width >= TAP, `${label} is a ${box.width}×${box.height} px target`);
    }
    const logout = await page.locator('nav.admin-nav button:visible', { hasText: '退出登录' }).boundingBox();
    assert.ok(logout.height >= TAP, `退出登录 is ${logout.height} px high`);
    // From a page that is no entry, so that every tap below leaves the page it is on.
    await page.goto(`${base}${projectPath}`);
    for (const { href, label } of entries) {
      await openStaffMenu(page);
      const link = page.locator(`nav.admin-nav a[href="${href}"]:visible`);
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().isNavigationRequest() && new URL(r.url()).pathname === href),
        link.tap(),
      ]);
      assert.equal(res.status(), 200, `${label} (${href}) answered ${res.status()}`);
      await page.waitForURL((u) => u.pathname === href);
      await page.waitForLoadState('load');
      assert.ok((await page.locator('main h1').count()) > 0, `${label} opened a page with its heading`);
      if (href !== '/admin/account') {
        assert.equal(await page.locator('nav.admin-nav summary .menu-here').innerText(), `：${label}`,
          `菜单 names the page it is on`);
      }
    }
  });

  await t.test('the public notice, objection form and receipt fit 390 px', async () => {
    const reader = await (await person(browser)).newPage();
    const fits = async (file) => {
      const width = await reader.evaluate(() => document.scrollingElement.scrollWidth);
      await shot(reader, DIR, file);
      assert.ok(width <= WIDTH, `${reader.url()} is ${width} px wide`);
      figures[file] = { url: new URL(reader.url()).pathname, pageWidth: width };
    };
    await reader.goto(`${base}/notices/${noticeId}`);
    await fits('notice-390');
    await fileObjection(reader, base, noticeId, {
      content: '公示的完成人排序与项目任务书不一致，请核查项目组分工记录和验收材料。',
      beforeSubmit: () => fits('objection-form-390'),
    });
    assert.match(await reader.locator('main').innerText(), /您的异议已收到/);
    await fits('objection-receipt-390');
  });

  await t.test('the notice as a CMS fragment fits 390 px, and its long image is 1080 px wide', async () => {
    const reader = await (await person(browser)).newPage();
    await reader.goto(`${base}/notices/${noticeId}/fragment.html`);
    // A fragment has no viewport of its own (the CMS page it is pasted into has): set in a
    // column as wide as the phone, nothing in it may stick out.
    const width = await reader.evaluate((w) => {
      document.body.style.margin = '0';
      document.body.style.width = `${w}px`;
      return Math.max(...[...document.body.querySelectorAll('*')].map((e) => e.getBoundingClientRect().right));
    }, WIDTH);
    await shot(reader, DIR, 'fragment-390');
    assert.ok(width <= WIDTH, `the fragment reaches ${width} px in a ${WIDTH} px column`);
    // Its own styles and QR image show under its own policy: the QR is drawn, not blocked.
    const qr = await reader.evaluate(() => {
      const img = document.querySelector('img[src^="data:image/png"]');
      return img ? { w: img.naturalWidth, shown: img.getBoundingClientRect().width } : null;
    });
    assert.ok(qr && qr.w > 0 && qr.shown > 100, `QR image: ${JSON.stringify(qr)}`);
    const png = await reader.goto(`${base}/notices/${noticeId}.png`);
    assert.equal(png.headers()['content-type'], 'image/png');
    const size = await reader.evaluate(() => {
      const img = document.querySelector('img');
      return img ? { w: img.naturalWidth, h: img.naturalHeight } : null;
    });
    assert.ok(size && size.w === 1080 && size.h > 1080, `long image: ${JSON.stringify(size)}`);
    figures['fragment-390'] = { url: `/notices/${noticeId}/fragment.html`, pageWidth: width, longImage: size };
  });
});
