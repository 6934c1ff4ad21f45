// The frame of the pages made for principals and the district office (the evidence page, the
// campus report, a policy shown as the kiosk shows it): one self-contained HTML file each, with no
// network resource (no font, no script, no image from anywhere), so it opens on any computer,
// prints cleanly to PDF from any browser, and a hearing years later still sees the same page.
// Written as strings: the page is static, and escaping every value through `esc` is the whole rule.

/** Text for an HTML text node or a quoted attribute. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export type PageLanguage = 'en' | 'es';

export function pageLanguage(value: string | undefined): PageLanguage | null {
  if (value === undefined) return 'en';
  return value === 'en' || value === 'es' ? value : null;
}

/**
 * An instant as people read it where the district is: local time with its zone, in the page's
 * language (`Aug 21, 2026, 8:05 AM CDT`; Texas Spanish `21 ago 2026, 8:05 a.m. CDT`).
 */
export function localTime(iso: string, timeZone: string, lang: PageLanguage): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(d);
}

/** A local date (`2026-08-21`) as people read it: `Aug 21, 2026` / `21 ago 2026`. */
export function localDay(date: string, lang: PageLanguage): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(d);
}

// Colours: every text pair is at least 4.5:1 (WCAG 2.1 AA); state is never colour alone (a word and
// a mark go with it). Sizes in rem, so 200 % zoom reflows instead of clipping.
const CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5561; --line: #c9d1d9; --ok: #1a5e20; --bad: #a4161a; --band: #f3f5f7; }
* { box-sizing: border-box; }
html { font-family: system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; line-height: 1.5; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
p, li { max-width: 48rem; }
.muted { color: var(--muted); }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .75rem 0; }
.meta dt { font-weight: 600; }
.meta dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
thead th { background: var(--band); }
.ok { color: var(--ok); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.notice { border: 2px solid var(--bad); padding: .75rem 1rem; margin: 1rem 0; }
.notice.good { border-color: var(--ok); }
.hash { font-family: ui-monospace, "Cascadia Mono", Consolas, monospace; font-size: .85rem; overflow-wrap: anywhere; }
.entry { border: 1px solid var(--line); padding: .75rem 1rem; margin: 1rem 0; }
.entry > h3 { margin-top: 0; }
.document { border-left: 4px solid var(--line); padding: .25rem 1rem; margin: .75rem 0; }
.document h2 { font-size: 1.15rem; border: 0; margin: 1rem 0 .25rem; }
.document h3, .document h4, .document h5, .document h6 { font-size: 1rem; }
.align-center { text-align: center; } .align-right { text-align: right; }
.room { break-before: page; }
.room:first-of-type { break-before: auto; }
svg text { font-family: inherit; }
footer { margin-top: 2rem; font-size: .85rem; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; }
  .entry, tr, .notice, figure { break-inside: avoid; }
  .document { break-inside: auto; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
@page { margin: 15mm; }
`;

/** A whole page: `<html lang>`, a title, the header and the main content, one stylesheet inline. */
export function htmlPage(input: {
  lang: PageLanguage;
  title: string;
  header: string;
  main: string;
  footer: string;
  extraCss?: string;
  /** The one inline script the page may run, by its CSP hash (`sha256-…`); none without it. */
  scriptHash?: string;
}): string {
  const script = input.scriptHash ? ` script-src '${input.scriptHash}';` : '';
  return `<!doctype html>
<html lang="${input.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;${script}">
<title>${esc(input.title)}</title>
<style>${CSS}${input.extraCss ?? ''}</style>
</head>
<body>
<header>
${input.header}
</header>
<main>
${input.main}
</main>
<footer>
${input.footer}
</footer>
</body>
</html>
`;
}
