// The XSS corpus: known payload shapes (tags, attribute and element break-outs, event handlers,
// URL schemes, encodings, Markdown links, SVG, template injection), each instantiated with a
// unique number N that it passes to the test hook `__xss(N)` when it runs. Varied by case,
// surrounding text and quoting, they make a few hundred distinct payloads.

/** The call a payload makes when its script runs. */
const hook = (n) => `__xss(${n})`;

// `J` is the hook call; `N` the payload's number (for shapes that cannot hold parentheses).
const SHAPES = [
  // plain tags
  (J) => `<script>${J}</script>`,
  (J) => `<ScRiPt>${J}</sCrIpT>`,
  (J) => `<script src="data:text/javascript,${J}"></script>`,
  (J) => `<script>/*</script><script>*/${J}</script>`,
  (J) => `<img src=x onerror=${J}>`,
  (J) => `<img src="x" onerror="${J}">`,
  (J) => `<IMG SRC=x OnErRoR=${J}>`,
  (J) => `<img/src=x/onerror=${J}>`,
  (J) => `<svg onload=${J}>`,
  (J) => `<svg/onload="${J}">`,
  (J) => `<body onload=${J}>`,
  (J) => `<iframe src="javascript:${J}"></iframe>`,
  (J) => `<iframe srcdoc="&lt;script&gt;parent.${J}&lt;/script&gt;"></iframe>`,
  (J) => `<details open ontoggle=${J}>`,
  (J) => `<video><source onerror="${J}"></video>`,
  (J) => `<audio src=x onerror=${J}>`,
  (J) => `<input autofocus onfocus=${J}>`,
  (J) => `<select autofocus onfocus=${J}></select>`,
  (J) => `<textarea autofocus onfocus=${J}></textarea>`,
  (J) => `<marquee onstart=${J}>x</marquee>`,
  (J) => `<object data="javascript:${J}"></object>`,
  (J) => `<embed src="javascript:${J}">`,
  (J) => `<a href="javascript:${J}" id=xss>x</a>`,
  (J) => `<form action="javascript:${J}"><button>x</button></form>`,
  (J) => `<button formaction="javascript:${J}">x</button>`,
  (J) => `<math><mtext><table><mglyph><style><img src=x onerror=${J}>`,
  (J) => `<noscript><p title="</noscript><img src=x onerror=${J}>">`,
  (J) => `<style>@import 'javascript:${J}';</style>`,
  (J) => `<link rel=stylesheet href="javascript:${J}">`,
  (J) => `<meta http-equiv="refresh" content="0;url=javascript:${J}">`,
  (J) => `<div style="background:url(javascript:${J})">x</div>`,
  (J) => `<object data="data:text/html,<script>parent.${J}</script>"></object>`,
  // breaking out of attributes and elements
  (J) => `"><img src=x onerror=${J}>`,
  (J) => `'><img src=x onerror=${J}>`,
  (J) => `" onmouseover="${J}" x="`,
  (J) => `' onfocus='${J}' autofocus x='`,
  (J) => `" autofocus onfocus="${J}`,
  (J) => `</textarea><img src=x onerror=${J}>`,
  (J) => `</title><img src=x onerror=${J}>`,
  (J) => `</script><script>${J}</script>`,
  (J) => `</style><img src=x onerror=${J}>`,
  (J) => `--><img src=x onerror=${J}>`,
  (J) => `]]><img src=x onerror=${J}>`,
  (J) => `</option></select><img src=x onerror=${J}>`,
  (J) => `</dd></dl><svg onload=${J}>`,
  // URL schemes (where a link or QR address might take the text)
  (J) => `javascript:${J}`,
  (J) => `JaVaScRiPt:${J}`,
  (J) => `java\tscript:${J}`,
  (J) => `&#106;avascript:${J}`,
  (J) => `data:text/html,<script>${J}</script>`,
  (J) => `data:text/html;base64,${Buffer.from(`<script>${J}</script>`).toString('base64')}`,
  // encodings that would run if something decoded twice
  (J) => `&lt;img src=x onerror=${J}&gt;`,
  (J) => `%3Cimg%20src%3Dx%20onerror%3D${J}%3E`,
  (J) => `\\u003cimg src=x onerror=${J}\\u003e`,
  (J) => `&#60;img src=x onerror=${J}&#62;`,
  (J) => `<img src=x onerror=&#95;&#95;xss(${J.slice(6, -1)})>`,
  (J) => `＜img src=x onerror=${J}＞`,
  // Markdown
  (J) => `[点击查看](javascript:${J})`,
  (J) => `[x](javascript&#58;${J})`,
  (J) => `![x](x" onerror="${J})`,
  (J) => `<javascript:${J}>`,
  (J) => `[ref][x${J.length}]\n\n[x${J.length}]: javascript:${J}`,
  (J) => `[x](data:text/html,<script>${J}</script>)`,
  (J) => `\`<img src=x onerror=${J}>\``,
  (J) => `**<img src=x onerror=${J}>**`,
  (J) => `> <svg onload=${J}>`,
  // SVG
  (J) => `<svg><script>${J}</script></svg>`,
  (J) => `<svg><animate onbegin=${J} attributeName=x dur=1s>`,
  (J) => `<svg><a xlink:href="javascript:${J}"><text x=20 y=20>x</text></a></svg>`,
  (J) => `<svg><set attributeName=onmouseover to=${J}>`,
  (J) => `<svg><foreignObject><img src=x onerror=${J}></foreignObject></svg>`,
  // template injection (server templates and client frameworks)
  (J) => `{{ ${J} }}`,
  (J) => `{% raw %}<img src=x onerror=${J}>{% endraw %}`,
  (J) => `\${${J}}`,
  (J) => `{{constructor.constructor('${J}')()}}`,
  (J) => `#{${J}}`,
];

/** Wrappers: the same shape in other surroundings. */
const VARIANTS = [
  (p) => p,
  (p) => `项目说明${p}`,
  (p) => `${p} 后续文字`,
  (p) => `（${p}）`,
];

/**
 * The corpus: `{ id, text }` for every shape × variant, ids from 1. Template-injection probes
 * (`{{7*191}}`) come last: if a server template evaluated them, "XSS1337" would appear.
 */
export function corpus() {
  const out = [];
  let id = 0;
  for (const variant of VARIANTS) {
    for (const shape of SHAPES) {
      id += 1;
      out.push({ id, text: variant(shape(hook(id))) });
    }
  }
  for (const probe of ['XSS{{7*191}}', 'XSS{{ 7*191 }}', 'XSS${7*191}', 'XSS<%= 7*191 %>', 'XSS#{7*191}']) {
    id += 1;
    out.push({ id, text: probe });
  }
  return out;
}

/** What a page would show if a server template evaluated a probe. */
export const EVALUATED_PROBE = 'XSS1337';

/**
 * Hands payloads out to fields: `take(maxChars)` gives the next payload that fits (cycling), so
 * short fields (a unit name) get short payloads and every payload is used at least once when
 * the long fields take `all()`.
 */
export function dealer(payloads) {
  let i = 0;
  return {
    take(maxChars = Infinity) {
      for (let k = 0; k < payloads.length; k++) {
        const p = payloads[(i + k) % payloads.length];
        if ([...p.text].length <= maxChars) {
          i = (i + k + 1) % payloads.length;
          return p.text;
        }
      }
      return 'x';
    },
    /** Every payload, joined, in chunks of at most `maxChars`. */
    chunks(maxChars, sep = '\n\n') {
      const out = [];
      let cur = '';
      for (const p of payloads) {
        if (cur && [...cur].length + [...p.text].length + sep.length > maxChars) {
          out.push(cur);
          cur = '';
        }
        cur = cur ? `${cur}${sep}${p.text}` : p.text;
      }
      if (cur) out.push(cur);
      return out;
    },
  };
}
