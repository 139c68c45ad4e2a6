// The whole journey on a phone, against the real server: a reader objects to an open notice, a
// handler accepts and concludes the case, the notice closes (test clock), the unit admin issues
// the result report and downloads its PDF, and the reader follows the case with the receipt and
// verifies the report. Screenshots of every step: target/e2e/journey/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { OUT, startServer } from './lib/server.js';
import { launch, person, shot, tinyPdf } from './lib/browser.js';
import { chain, mainText, shootAll, signIn } from './lib/steps.js';

const UNIT = 'E-GDGS';
const UNIT_NAME = '国网武威供电公司';
const HANDLER = { username: 'e2e.handler', password: 'Handler-e2e-2025!', name: '李处理', role: 'handler' };
const ADMIN = { username: 'e2e.admin', password: 'Admin-e2e-2025!', name: '王管理', role: 'admin' };
const CONTENT = '第二完成人未参与装置研制，其贡献描述与事实不符。附件为项目组会议纪要的扫描件，可供核查。';
const DIR = 'journey';

test('a reader objects, staff conclude, the unit issues its report, and the reader verifies it', async (t) => {
  const server = await startServer('journey');
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await server.stop();
  });
  const { base } = server;
  await server.addUser({ unit: UNIT, ...HANDLER });
  await server.addUser({ unit: UNIT, ...ADMIN });
  const noticeId = await server.openNotice(UNIT);
  const notice = await server.json(`/api/v1/notices/${noticeId}`);
  const projectName = notice.items[0].name;

  const reader = await (await person(browser)).newPage();
  const receipt = {};
  let reportCode;
  const step = chain(t, shootAll(browser, DIR, shot));

  await step('the reader finds the open notice on the home page', async () => {
    await reader.goto(`${base}/`);
    const link = reader.locator(`a[href$="/notices/${noticeId}"]`).first();
    await link.waitFor();
    const card = reader.locator('li.card', { has: link });
    assert.match(await card.innerText(), /公示中/);
    assert.match(await card.innerText(), new RegExp(UNIT_NAME));
    await shot(reader, DIR, '01-home');
    await Promise.all([reader.waitForURL(`**/notices/${noticeId}`), link.click()]);
  });

  await step('the notice shows its period, status, projects and the way to object', async () => {
    const text = await mainText(reader);
    assert.match(text, /公示期：\d{4}年\d{1,2}月\d{1,2}日至/);
    assert.match(text, /公示中/);
    assert.ok(text.includes(projectName), `project ${projectName} listed`);
    await shot(reader, DIR, '02-notice');
    await Promise.all([
      reader.waitForURL(`**/notices/${noticeId}/objection`),
      reader.locator('a.objection-button').first().click(),
    ]);
  });

  await step('the reader files an objection with a PDF and gets a receipt', async () => {
    await reader.fill('#name', '张明远');
    await reader.fill('#phone', '13993500123');
    await reader.selectOption('#project_id', String(notice.items[0].project_id));
    await reader.selectOption('#category', 'personnel');
    await reader.fill('#content', CONTENT);
    await reader.setInputFiles('#attachments', {
      name: '会议纪要.pdf', mimeType: 'application/pdf', buffer: tinyPdf('meeting minutes 2025-03-02'),
    });
    await reader.check('input[name=declaration]');
    await shot(reader, DIR, '03-objection-form');
    await Promise.all([reader.waitForLoadState('load'), reader.click('button.submit-once')]);
    await reader.locator('dd.code').first().waitFor();
    const text = await mainText(reader);
    assert.match(text, /您的异议已收到并已保存/);
    assert.match(text, /1 个文件/);
    assert.ok(text.includes(projectName));
    [receipt.code, receipt.key] = await reader.locator('dd.code').allInnerTexts();
    assert.match(receipt.code, /^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    assert.ok(receipt.key.replace(/[\s-]/g, '').length >= 16, `lookup key ${receipt.key}`);
    assert.equal(await reader.locator('.qr svg').count(), 1, 'the receipt carries its QR code');
    await shot(reader, DIR, '04-receipt');
  });

  await step('the handler signs in, accepts the case and concludes it as dismissed', async () => {
    const page = await (await person(browser)).newPage();
    await signIn(page, base, HANDLER, '/admin/objections');
    await page.goto(`${base}/admin/objections`);
    const row = page.locator('table.queue a', { hasText: new RegExp(receipt.code.replace('-', '-?')) }).first();
    await row.waitFor();
    await shot(page, DIR, '05-handler-queue');
    await Promise.all([page.waitForURL(/\/admin\/objections\/\d+$/), row.click()]);
    assert.match(await mainText(page), new RegExp(CONTENT.slice(0, 12)));
    assert.match(await mainText(page), /会议纪要\.pdf/);
    const move = async (to, objectorNote, file, publicSummary) => {
      await page.selectOption('#to', to);
      if (objectorNote) await page.fill('#objector_note', objectorNote);
      if (publicSummary) await page.fill('#public_summary', publicSummary);
      await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/transition"] button')]);
      await shot(page, DIR, file);
    };
    await move('accepted', '您的异议已受理，我单位将组织核查。', '06-handler-accepted');
    assert.match(await mainText(page), /已受理/);
    await move('investigating', null, '07-handler-investigating');
    await move('dismissed', '经核查，第二完成人参与了装置的现场试验，排序无误，异议不成立。', '08-handler-dismissed',
      '经核查，完成人排序无误，异议不成立。');
    const text = await mainText(page);
    assert.match(text, /状态 异议不成立/);
    assert.equal(await page.locator('#to').count(), 0, 'a concluded case offers no further step');
    await page.context().close();
  });

  await step('after the close the unit admin issues the result report', async () => {
    const closes = new Date(notice.closes_at);
    await server.clock({ now: new Date(closes.getTime() + 60_000) });
    const page = await (await person(browser)).newPage();
    await signIn(page, base, ADMIN, `/admin/reports/issue/${noticeId}`);
    await page.goto(`${base}/admin/reports/issue/${noticeId}`);
    const text = await mainText(page);
    assert.match(text, /可以出具公示结果报告/);
    assert.match(text, /有异议，经核查不成立/);
    await shot(page, DIR, '09-admin-issue');
    await Promise.all([
      page.waitForURL(/\/reports\/[2-9A-Z]{8}$/),
      page.click(`form[action="/admin/reports/issue/${noticeId}"] button`),
    ]);
    reportCode = new URL(page.url()).pathname.split('/').pop();
    assert.match(await mainText(page), /核验通过/);
    await shot(page, DIR, '10-report-issued');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href$=".pdf"]')]);
    const bytes = await readFile(await download.path());
    assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-', 'the download is a PDF');
    assert.ok(bytes.length > 5_000, `PDF of ${bytes.length} bytes`);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    await download.saveAs(path.join(OUT, DIR, `report-${reportCode}.pdf`));
    await page.context().close();
  });

  await step('the reader looks the case up with the receipt and sees the conclusion', async () => {
    await reader.goto(`${base}/objections/lookup`);
    await reader.fill('#code', receipt.code);
    await reader.fill('#key', receipt.key);
    await Promise.all([reader.waitForLoadState('load'), reader.click('form.lookup-form button')]);
    const text = await mainText(reader);
    assert.match(text, /当前状态：异议不成立/);
    assert.match(text, /排序无误，异议不成立/);
    assert.match(text, /您的异议已受理/);
    assert.ok(!text.includes('张明远'), 'the lookup never shows the objector');
    await shot(reader, DIR, '11-lookup');
  });

  await step('the reader opens the report from the notice and sees it verified', async () => {
    await reader.goto(`${base}/notices/${noticeId}`);
    const text = await mainText(reader);
    assert.match(text, /已结束/);
    assert.match(text, /不再受理异议/);
    const link = reader.locator(`a[href$="/reports/${reportCode}"]`).first();
    await shot(reader, DIR, '12-notice-closed');
    await Promise.all([reader.waitForURL(`**/reports/${reportCode}`), link.click()]);
    const report = await mainText(reader);
    assert.match(report, /核验通过/);
    assert.ok(report.includes(UNIT_NAME));
    assert.ok(report.includes(projectName));
    assert.match(report, /有异议，经核查不成立/);
    assert.ok(!report.includes('张明远'), 'the report never names the objector');
    assert.ok(report.includes('完成人排序无误'), 'the report prints the public handling summary');
    assert.ok(!report.includes('现场试验'), 'the note to the objector stays out of the report');
    await shot(reader, DIR, '13-report-verify');
  });
});
