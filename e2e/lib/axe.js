// axe-core run inside the page. It is evaluated through the DevTools protocol rather than added
// as a <script>, so the page's CSP (no inline scripts) stays on and the page is checked as
// people get it.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts that fail the check. */
export const FAILING = new Set(['serious', 'critical']);

/** Runs axe on the page; returns every violation with the nodes it names. */
export async function audit(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.evaluate(source);
  }
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary.split('\n').slice(1).join(' ').trim()}`),
    }));
  });
}

/** One line per failing violation, readable in a CI log. */
export function describe(violations) {
  return violations
    .filter((v) => FAILING.has(v.impact))
    .map((v) => `[${v.impact}] ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 5).join('\n    ')}`)
    .join('\n');
}
