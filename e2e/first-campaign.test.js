// README's "Setting up a real campaign", step by step in the browser, on a server started
// without the demo: the one-time link creates the province and its first administrator, who
// builds the unit tree with contacts and an account for the applicant unit, and creates campaign
// 2026 closing at 18:00 with a deadline; the applicant unit imports its 登记表 (the template
// filled in, e2e/fixtures) and generates and publishes its notice; on the first day a reader
// finds it, reads its period ending at 18时 on the last day, and opens the campaign's page.
// Screenshots of every step: target/e2e/first-campaign/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { chinaToday, startServer } from './lib/server.js';
import { launch, person, shot } from './lib/browser.js';
import { chain, mainText, openStaffMenu, signIn, shootAll } from './lib/steps.js';

const DIR = 'first-campaign';
const FIXTURE = path.join(import.meta.dirname, 'fixtures', '登记表-2026.xlsx');
const PROVINCE = { code: 'GS', name: '甘肃省总工会' };
const FIRST_ADMIN = { username: 'gs.admin', name: '省总管理员', password: 'Real-campaign-2026!' };
const PROVINCE_CONTACTS = { person: '刘建华', phone: '0931-8861234', address: '兰州市城关区庆阳路1号' };
const CITY = { code: 'WW', name: '武威市总工会', kind: 'city', person: '赵国庆', phone: '0935-2212345' };
const APPLICANT = {
  code: 'E-GDGS', name: '国网武威供电公司', kind: 'applicant',
  person: '陈晓燕', phone: '0935-5561234', email: 'gonghui@ww.example.cn', address: '武威市凉州区东大街18号',
};
const UNIT_ADMIN = { username: 'gdgs.admin', name: '周丽', password: 'Applicant-2026-ok!' };
const CAMPAIGN = {
  code: '2026',
  title: '2026年度甘肃省职工技术成果征集活动',
  edition: '第十九届',
  docNumber: '甘总工办发〔2026〕8号',
  docTitle: '关于开展2026年度甘肃省职工技术成果征集活动的通知',
  startsOn: '2026-03-01',
  deadline: 'WW 2026-04-08 书面材料报市总工会',
};
const PROJECT = '输电线路覆冰在线监测装置研制';

/** 2026-12-07 → 2026年12月7日, as the pages write a day. */
function dateZh(day) {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** The China calendar day `days` after `day` (both YYYY-MM-DD). */
function addDays(day, days) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Follows the staff navigation to `label`, as a person who does not know the addresses does. */
async function openNav(page, label) {
  await openStaffMenu(page);
  const link = page.locator('nav.admin-nav a:visible', { hasText: new RegExp(`^${label}$`) });
  await Promise.all([page.waitForLoadState('load'), link.click()]);
}

async function submit(page, selector = 'form.stacked button[type=submit]') {
  await Promise.all([page.waitForLoadState('load'), page.locator(selector).first().click()]);
}

async function flash(page) {
  return (await page.locator('p.flash').innerText()).trim();
}

async function fillContacts(page, { person: who, phone, email, address }) {
  if (who) await page.fill('#contact_person', who);
  if (phone) await page.fill('#contact_phone', phone);
  if (email) await page.fill('#contact_email', email);
  if (address) await page.fill('#contact_address', address);
}

/** On /admin/units/new: the unit below `parentCode`, with its contacts for objections. */
async function createUnit(page, parentCode, unit) {
  const parent = page.locator('#parent_id option', { hasText: `（${parentCode}）` });
  await page.selectOption('#parent_id', await parent.getAttribute('value'));
  await page.fill('#name', unit.name);
  await page.fill('#code', unit.code);
  await page.selectOption('#kind', unit.kind);
  await fillContacts(page, unit);
  await submit(page);
  assert.equal(await flash(page), `已新建单位：${unit.name}`);
  const text = await mainText(page);
  assert.ok(text.includes(`异议联系人 ${unit.person}`), text);
  assert.ok(text.includes(`联系电话 ${unit.phone}`), text);
}

test('a new federation goes from an empty database to its first published notice, as README says', async (t) => {
  const server = await startServer('first-campaign', { demo: false });
  const browser = await launch();
  t.after(async () => {
    await browser.close();
    await server.stop();
  });
  const { base } = server;
  const step = chain(t, shootAll(browser, DIR, shot));
  const province = await (await person(browser)).newPage();
  const unitAdmin = await (await person(browser)).newPage();
  const reader = await (await person(browser)).newPage();
  let noticeId;
  let startsOn;

  await step('1. the link the server prints creates the province and its first administrator', async () => {
    const link = await server.setupLink();
    assert.ok(link?.startsWith(`${base}/setup/`), `the server printed a setup link: ${link}`);
    await province.goto(link);
    assert.match(await mainText(province), /系统中还没有任何账号。此链接只能使用一次/);
    assert.equal(await province.inputValue('#unit_name'), PROVINCE.name);
    assert.equal(await province.inputValue('#unit_code'), PROVINCE.code);
    await province.fill('#display_name', FIRST_ADMIN.name);
    await province.fill('#username', FIRST_ADMIN.username);
    await province.fill('#password', FIRST_ADMIN.password);
    await province.fill('#confirm_password', FIRST_ADMIN.password);
    await shot(province, DIR, '01-setup');
    await submit(province);
    assert.equal(new URL(province.url()).pathname, '/admin');
    assert.match(await flash(province), /管理员账号已创建/);
    const who = await province.locator('.who').innerText();
    assert.ok(who.includes(FIRST_ADMIN.name) && who.includes(PROVINCE.name), who);
    await shot(province, DIR, '02-workbench');
    assert.equal((await fetch(link)).status, 404, 'the link is dead once used');
  });

  await step('2. the unit tree is built on 单位 with contacts, and the applicant unit gets its admin', async () => {
    await openNav(province, '单位');
    await Promise.all([province.waitForLoadState('load'), province.click(`a:text-is("${PROVINCE.name}")`)]);
    await Promise.all([province.waitForLoadState('load'), province.click('a.button:text-is("编辑")')]);
    await fillContacts(province, PROVINCE_CONTACTS);
    await submit(province);
    assert.equal(await flash(province), '单位信息已保存');

    await openNav(province, '单位');
    await Promise.all([province.waitForURL('**/admin/units/new'), province.click('a.button:text-is("新建单位")')]);
    await createUnit(province, PROVINCE.code, CITY);
    await Promise.all([province.waitForURL(/\/admin\/units\/new\?parent=\d+$/), province.click('text=新建下级单位')]);
    assert.match(await province.locator('#parent_id option:checked').textContent(), new RegExp(CITY.name));
    await shot(province, DIR, '03-unit-form');
    await createUnit(province, CITY.code, APPLICANT);
    assert.ok((await mainText(province)).includes(`${PROVINCE.name} › ${CITY.name}`), 'the applicant sits under the city');

    await openNav(province, '单位');
    const tree = await mainText(province);
    assert.ok(tree.indexOf(PROVINCE.name) < tree.indexOf(CITY.name) && tree.indexOf(CITY.name) < tree.indexOf(APPLICANT.name), tree);
    await shot(province, DIR, '04-unit-tree');

    await openNav(province, '用户');
    await Promise.all([province.waitForURL('**/admin/users/new'), province.click('a.button:text-is("新建用户")')]);
    const unit = province.locator('#unit_id option', { hasText: `（${APPLICANT.code}）` });
    await province.selectOption('#unit_id', await unit.getAttribute('value'));
    await province.fill('#display_name', UNIT_ADMIN.name);
    await province.fill('#username', UNIT_ADMIN.username);
    await province.selectOption('#role', 'admin');
    await province.fill('#password', UNIT_ADMIN.password);
    await submit(province);
    assert.equal(await flash(province), `已新建用户：${UNIT_ADMIN.name}（${UNIT_ADMIN.username}）`);
  });

  await step('3. campaign 2026 is created on 征集活动, closing at 18:00, with a deadline', async () => {
    await openNav(province, '征集活动');
    assert.match(await mainText(province), /还没有征集活动/);
    await Promise.all([province.waitForURL('**/admin/campaigns/new'), province.click('a.button:text-is("新建征集活动")')]);
    await province.fill('#code', CAMPAIGN.code);
    await province.fill('#title', CAMPAIGN.title);
    await province.fill('#year', '2026');
    await province.fill('#edition', CAMPAIGN.edition);
    await province.fill('#doc_number', CAMPAIGN.docNumber);
    await province.fill('#doc_title', CAMPAIGN.docTitle);
    await province.fill('#starts_on', CAMPAIGN.startsOn);
    assert.equal(await province.inputValue('#notice_days'), '5', 'five calendar days unless changed');
    await province.fill('#closing_time', '18:00');
    await province.fill('#deadlines', CAMPAIGN.deadline);
    await shot(province, DIR, '05-campaign-form');
    await submit(province);
    assert.equal(new URL(province.url()).pathname, `/admin/campaigns/${CAMPAIGN.code}`);
    assert.equal(await flash(province), `已新建征集活动《${CAMPAIGN.title}》`);
    const shown = await mainText(province);
    assert.ok(shown.includes('5个自然日，最后一日18:00截止'), shown);
    assert.ok(shown.includes('2026-04-08前报WW：书面材料报市总工会'), shown);
    assert.ok(shown.includes(CAMPAIGN.docNumber), shown);
    await shot(province, DIR, '06-campaign');
  });

  await step('4. the applicant unit imports its 登记表 (the template, filled in) on 导入项目', async () => {
    await signIn(unitAdmin, base, UNIT_ADMIN);
    await openNav(unitAdmin, '项目');
    await Promise.all([unitAdmin.waitForURL('**/admin/projects/import'), unitAdmin.click('a.button:text-is("导入项目")')]);
    const [download] = await Promise.all([
      unitAdmin.waitForEvent('download'),
      unitAdmin.click('a[href="/templates/projects.xlsx"]'),
    ]);
    const template = await readFile(await download.path());
    assert.equal(template.subarray(0, 2).toString('latin1'), 'PK', 'the template is an XLSX');
    assert.match(await unitAdmin.locator('#campaign_id option:checked').textContent(), new RegExp(CAMPAIGN.title));
    await unitAdmin.setInputFiles('#file', {
      name: '登记表.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await readFile(FIXTURE),
    });
    await submit(unitAdmin, 'form[enctype="multipart/form-data"] button');
    const preview = await mainText(unitAdmin);
    assert.match(preview, /预览：登记表\.xlsx 共 1 项/);
    assert.ok(preview.includes(PROJECT) && preview.includes('李明、王芳') && preview.includes('二等奖'), preview);
    await shot(unitAdmin, DIR, '07-import-preview');
    await submit(unitAdmin, 'form[action^="/admin/projects/import/"] button');
    assert.equal(await flash(unitAdmin), '导入完成：新增 1 项，更新 0 项');
    assert.ok((await mainText(unitAdmin)).includes(PROJECT));
    await shot(unitAdmin, DIR, '08-projects');
  });

  await step('5. the applicant unit generates and publishes its 申报单位公示 on 生成公示', async () => {
    await openNav(unitAdmin, '公示');
    await Promise.all([unitAdmin.waitForURL('**/admin/notices/new'), unitAdmin.click('a.button:text-is("生成公示")')]);
    assert.match(await unitAdmin.locator('#q_campaign option:checked').textContent(), new RegExp(CAMPAIGN.title));
    assert.equal(await unitAdmin.inputValue('#q_level'), '1');
    await unitAdmin.locator('tr', { hasText: PROJECT }).locator('input.order-input').fill('1');
    startsOn = await unitAdmin.inputValue('#starts_on');
    const serverNow = new Date(await server.clock({ advanceSeconds: 0 }));
    assert.equal(startsOn, addDays(chinaToday(serverNow), 1), 'starts tomorrow by default');
    await shot(unitAdmin, DIR, '09-notice-new');
    await submit(unitAdmin, 'form[action="/admin/notices"] button');
    noticeId = Number(/\/admin\/notices\/(\d+)$/.exec(unitAdmin.url())?.[1]);
    assert.ok(noticeId, `a draft at ${unitAdmin.url()}`);
    assert.match(await flash(unitAdmin), /已生成公示草稿/);
    await shot(unitAdmin, DIR, '10-notice-draft');
    await submit(unitAdmin, `form[action="/admin/notices/${noticeId}/publish"] button`);
    const period = `公示期：${dateZh(startsOn)}至${dateZh(addDays(startsOn, 4))}18时`;
    assert.equal(await flash(unitAdmin), `公示已发布：${period}`);
    await shot(unitAdmin, DIR, '11-notice-published');
  });

  await step('6. from its first day the public reads the notice closing at 18时 and the campaign page', async () => {
    const url = `${base}/notices/${noticeId}`;
    assert.equal((await reader.goto(url)).status(), 404, 'not public before its first day');
    await server.clock({ now: new Date(`${startsOn}T09:00:00+08:00`) });
    await reader.goto(`${base}/`);
    const card = reader.locator(`a[href$="/notices/${noticeId}"]`).first();
    await Promise.all([reader.waitForURL(url), card.click()]);
    const text = await mainText(reader);
    const lastDay = dateZh(addDays(startsOn, 4));
    assert.ok(text.includes(`公示期：${dateZh(startsOn)}至${lastDay}18时（5个自然日）`), text);
    assert.match(text, /公示中/);
    assert.ok(text.includes(PROJECT) && text.includes(APPLICANT.name), text);
    for (const contact of [APPLICANT.person, APPLICANT.phone, APPLICANT.email, APPLICANT.address]) {
      assert.ok(text.includes(contact), `the notice names the unit's contact ${contact}`);
    }
    await shot(reader, DIR, '12-notice');
    const api = await server.json(`/api/v1/notices/${noticeId}`);
    assert.equal(new Date(api.closes_at).toISOString(), new Date(`${addDays(startsOn, 4)}T18:00:00+08:00`).toISOString());

    await Promise.all([reader.waitForURL(`**/campaigns/${CAMPAIGN.code}`), reader.click(`a[href="/campaigns/${CAMPAIGN.code}"]`)]);
    const campaign = await mainText(reader);
    assert.ok(campaign.includes(CAMPAIGN.title) && campaign.includes(CAMPAIGN.docNumber), campaign);
    assert.ok(campaign.includes('公示期为5个自然日（含节假日），最后一天18时00分截止'), campaign);
    assert.match(campaign, new RegExp(`${CITY.name}：2026年4月8日前（书面材料报市总工会）`));
    assert.ok(await reader.locator(`a[href$="/notices/${noticeId}"]`).count() > 0, 'the campaign lists the notice');
    await shot(reader, DIR, '13-campaign');

    await server.clock({ now: new Date(`${addDays(startsOn, 4)}T17:59:00+08:00`) });
    await reader.goto(url);
    assert.match(await mainText(reader), /公示中/);
    await server.clock({ now: new Date(`${addDays(startsOn, 4)}T18:00:00+08:00`) });
    await reader.goto(url);
    assert.match(await mainText(reader), /已结束.*不再受理异议/);
    await shot(reader, DIR, '14-notice-closed');
  });
});
