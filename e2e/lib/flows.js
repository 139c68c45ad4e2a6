// Short paths through the site that the accessibility check and the XSS corpus need to reach
// every page (a receipt, an issued report). The journey walks the same paths step by step with
// its own assertions.
import { person, tinyPdf } from './browser.js';
import { signIn } from './steps.js';

/**
 * Files an objection through the public form; returns the receipt's code, key and raw HTML.
 * `beforeSubmit(page)` runs on the filled-in form (e.g. to screenshot it).
 */
export async function fileObjection(page, base, noticeId, {
  name = '张明远', content, category = 'other', projectIndex = 0, beforeSubmit = async () => {},
}) {
  await page.goto(`${base}/notices/${noticeId}/objection`);
  await page.fill('#name', name);
  await page.fill('#phone', '13993500123');
  const options = await page.locator('#project_id option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  await page.selectOption('#project_id', options[projectIndex]);
  await page.selectOption('#category', category);
  await page.fill('#content', content);
  await page.setInputFiles('#attachments', { name: 'evidence.pdf', mimeType: 'application/pdf', buffer: tinyPdf() });
  await page.check('input[name=declaration]');
  await beforeSubmit(page);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/objection')),
    page.click('button.submit-once'),
  ]);
  const markup = await res.text();
  await page.locator('dd.code').first().waitFor();
  const [code, key] = await page.locator('dd.code').allInnerTexts();
  return { code, key, markup };
}

/** Signs the unit admin in (own context) and issues the notice's result report; returns its code. */
export async function issueReport(browser, base, admin, noticeId) {
  const context = await person(browser);
  try {
    const page = await context.newPage();
    await signIn(page, base, admin, `/admin/reports/issue/${noticeId}`);
    await page.goto(`${base}/admin/reports/issue/${noticeId}`);
    const button = page.locator(`form[action="/admin/reports/issue/${noticeId}"] button`);
    if ((await button.count()) === 0) {
      throw new Error(`notice ${noticeId} cannot be issued: ${await page.locator('main').innerText()}`);
    }
    await Promise.all([page.waitForURL(/\/reports\/[2-9A-Z]{8}$/), button.click()]);
    return new URL(page.url()).pathname.split('/').pop();
  } finally {
    await context.close();
  }
}
