// Prints a fresh personal API token for a staff account, made the way a person makes one: sign
// in on /login, create it on /admin/tokens. Used by .ci/steps/50-schemathesis.sh so the fuzzer
// reaches the admin API. Usage: node tools/token.js BASE_URL USERNAME (password in GONGSHI_PASSWORD).
import { launch } from '../lib/browser.js';
import { makeToken } from '../lib/xss-seed.js';

const [base, username] = process.argv.slice(2);
const password = process.env.GONGSHI_PASSWORD;
if (!base || !username || !password) {
  console.error('usage: GONGSHI_PASSWORD=… node tools/token.js BASE_URL USERNAME');
  process.exit(2);
}
const browser = await launch();
try {
  process.stdout.write(`${await makeToken(browser, base, { username, password }, 'api fuzzing')}\n`);
} finally {
  await browser.close();
}
