// A journey is a chain: when one step fails, the steps after it are skipped rather than failing
// for the same reason, so the report names the step that broke.
// `onFail(name)` runs before the failure is reported (e.g. to screenshot every open page).
export function chain(t, onFail = async () => {}) {
  let broken = null;
  return async (name, fn) => {
    await t.test(name, { skip: broken ? `after “${broken}” failed` : false }, async () => {
      try {
        await fn();
      } catch (e) {
        broken = name;
        await onFail(name).catch(() => {});
        throw e;
      }
    });
  };
}

/** The visible text of the page's main content, whitespace folded. */
export async function mainText(page) {
  const text = await page.locator('main').first().innerText().catch(() => page.locator('body').innerText());
  return text.replace(/\s+/g, ' ');
}

/** Signs a member of staff in on a page of their own; lands on whatever /login sends them to. */
export async function signIn(page, base, { username, password }, next = '/admin') {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('form button[type=submit]')]);
}

/**
 * Opens the staff menu where it is folded into 菜单 (on a phone); true when there was one to open.
 * On a wide screen the entries are a row of links and nothing needs opening.
 */
export async function openStaffMenu(page) {
  const summary = page.locator('nav.admin-nav summary');
  if (!(await summary.isVisible())) return false;
  if (!(await summary.evaluate((s) => s.parentElement.open))) await summary.click();
  return true;
}

/** Screenshots every page of every context of `browser` as failed-<step>-<n>.png. */
export function shootAll(browser, dir, shot) {
  return async (name) => {
    let n = 0;
    const slug = name.replace(/[^\w]+/g, '-').slice(0, 40);
    for (const context of browser.contexts()) {
      for (const page of context.pages()) await shot(page, dir, `failed-${slug}-${++n}`);
    }
  };
}
