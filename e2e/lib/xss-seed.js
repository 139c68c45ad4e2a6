// Puts the XSS corpus into every field people fill, through the real entry points: unit names
// and contacts through the admin API, project fields through `gongshi import`, the notice's
// title, Markdown body and channels through the admin API, objections through the public API
// and form, staff notes through the handling API. Returns what the renderer needs to visit.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { person } from './browser.js';
import { fileObjection } from './flows.js';
import { signIn } from './steps.js';
import { chinaToday } from './server.js';

let clientNo = 0;
/** A distinct client address per call: the public rate limits count per client. */
const nextClient = () => `198.51.100.${(clientNo++ % 250) + 1}`;

/** Makes a personal API token on /admin/tokens as `user` and returns it. */
export async function makeToken(browser, base, user, label = 'xss corpus') {
  const context = await person(browser);
  try {
    const page = await context.newPage();
    await signIn(page, base, user, '/admin/tokens');
    await page.goto(`${base}/admin/tokens`);
    await page.fill('form[action="/admin/tokens"] #name', label);
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/admin/tokens"] button')]);
    const token = /gst_[A-Za-z0-9_-]+/.exec(await page.content())?.[0];
    if (!token) throw new Error('no token on /admin/tokens');
    return token;
  } finally {
    await context.close();
  }
}

function api(base, token) {
  return async (method, pathname, body) => {
    const res = await fetch(`${base}${pathname}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'content-type': 'application/json',
        'x-forwarded-for': nextClient(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok && res.status !== 409) throw new Error(`${method} ${pathname} answered ${res.status}: ${text.slice(0, 600)}`);
    return text ? JSON.parse(text) : null;
  };
}

/** Projects whose every text field carries payloads (JSON import format, docs/IMPORT.md). */
function projects(deal, count) {
  const bodies = deal.chunks(4800);
  return Array.from({ length: count }, (_, i) => ({
    import_key: `XSS-${i + 1}`,
    name: deal.take(100),
    completing_units: [deal.take(60), deal.take(60)],
    completers: [0, 1, 2, 3].map(() => ({
      name: deal.take(30),
      work_unit: deal.take(60),
      job_title: deal.take(30),
      contribution: deal.take(200),
      workload: deal.take(60),
      phone: '13900000000',
    })),
    key_technology: bodies[i % bodies.length],
    ip_items: ['paper', 'patent', 'other'].map((kind) => ({ kind, title: deal.take(100), reference: deal.take(60) })),
    eligibility: 1 + (i % 5),
    exclusions_declared: true,
    proposed_grade: 'first',
    summary: deal.take(200),
  }));
}

/**
 * Seeds everything. `admins.province` and `admins.unit` are accounts to create; returns
 * `{ noticeId, unitCodes, cases, receipts, lookups, reportCode }`.
 */
export async function seed({ server, browser, deal, admins, onHook }) {
  const { base } = server;
  await server.addUser({ unit: 'GS', ...admins.province });
  const gs = api(base, await makeToken(browser, base, admins.province));
  const units = await gs('GET', '/api/v1/admin/units');
  const parent = units.map((row) => row.unit).find((u) => u.code === 'WW-LZ');
  const unitCodes = [];
  for (let i = 0; i < 12; i++) {
    const code = i === 0 ? 'XSS' : `XSS${i}`;
    await gs('POST', '/api/v1/admin/units', {
      parent_id: parent.id, kind: 'applicant', code, name: deal.take(60), short_name: deal.take(20),
      contact_person: deal.take(30), contact_phone: '0935-0000000', contact_email: 'xss@example.cn',
      contact_address: deal.take(120),
    });
    unitCodes.push(code);
  }

  const file = path.join(server.dir, 'xss-projects.json');
  await writeFile(file, JSON.stringify(projects(deal, 6)));
  await server.cli(['import', '--campaign', '2025', '--unit', 'XSS', file]);

  await server.addUser({ unit: 'XSS', ...admins.unit });
  const unit = api(base, await makeToken(browser, base, admins.unit));
  const out = await server.cli(['notice', 'generate', '--campaign', '2025', '--unit', 'XSS', '--level', '1',
    '--projects', 'all', '--start', chinaToday()]);
  const noticeId = Number(/公示草稿 (\d+)/.exec(out)?.[1]);
  await server.clock({ now: new Date() });
  const detail = await unit('GET', `/api/v1/admin/notices/${noticeId}`);
  const projectIds = detail.draft_items.map((it) => it.project_id);
  await unit('PUT', `/api/v1/admin/notices/${noticeId}/draft`, {
    title: deal.take(200),
    body_md: deal.chunks(19_000)[0],
    starts_on: chinaToday(),
    doc_number: deal.take(60),
    board_location: deal.take(100),
    media: deal.take(100),
    web: true,
    project_ids: projectIds,
  });
  await unit('POST', `/api/v1/admin/notices/${noticeId}/publish`, { note: deal.take(200) });

  const pub = api(base, null);
  const notice = await server.json(`/api/v1/notices/${noticeId}`);
  const cases = [];
  for (const [i, content] of deal.chunks(4800).entries()) {
    const answer = await pub('POST', `/api/v1/notices/${noticeId}/objections`, {
      objector_kind: i % 2 ? 'organization' : 'individual', name: deal.take(30), phone: '13993500123',
      email: 'objector@example.cn', organization: deal.take(60), contact_person: deal.take(30),
      project_id: notice.items[i % notice.items.length].project_id, category: 'other', content, declaration: true,
    });
    cases.push({ code: answer.receipt_code, key: answer.lookup_key });
  }

  // Two through the form, so their receipt pages are rendered (with the CSP bypassed).
  const receipts = [];
  const readerContext = await person(browser, { bypassCSP: true, extraHTTPHeaders: { 'x-forwarded-for': nextClient() } });
  await readerContext.exposeBinding('__xss', (_source, id) => onHook(Number(id)));
  const reader = await readerContext.newPage();
  for (const content of deal.chunks(4800).slice(0, 2)) {
    receipts.push(await fileObjection(reader, base, noticeId, { name: deal.take(30), content }));
    await reader.waitForTimeout(150);
  }
  await reader.context().close();

  const queue = await unit('GET', `/api/v1/admin/objections?notice_id=${noticeId}`);
  const rows = queue.objections;
  for (const row of rows) {
    for (const to of ['accepted', 'investigating', 'dismissed']) {
      await unit('POST', `/api/v1/admin/objections/${row.id}/transitions`, {
        to, objector_note: deal.take(300), internal_note: deal.take(300),
        ...(to === 'dismissed' ? { public_summary: deal.take(300) } : {}),
      });
    }
  }

  const { closes_at: closesAt } = await server.json(`/api/v1/notices/${noticeId}`);
  await server.clock({ now: new Date(new Date(closesAt).getTime() + 60_000) });
  const issued = await unit('POST', '/api/v1/admin/reports', { notice_id: noticeId });
  const reportCode = issued.code ?? issued.report?.code;
  return { noticeId, unitCodes, cases: [...cases, ...receipts], receipts, caseIds: rows.map((r) => r.id), reportCode };
}
