// How a policy document's Markdown becomes what a person reads: one rule for the kiosk's screen, the
// evidence page a principal prints and `aup policy show`, so the text at a hearing is the text the
// student saw. In the api layer because the renderer may import only this layer.
//
// - `html: false`: raw HTML in a document is shown as text, never parsed.
// - Links are not followable inside the kiosk: a link becomes its text with the address after it.
// - Images become their alt text (a kiosk shows no remote content).
// - Headings move down one level: the screen's h1 is the document's title.
// - Table cells are aligned by class, not a style attribute (the strict CSP refuses inline styles).
import MarkdownIt, { type Token } from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.disable(['image']);

md.core.ruler.push('kiosk_plain', (state) => {
  for (const block of state.tokens) {
    if (block.type === 'heading_open' || block.type === 'heading_close') {
      block.tag = `h${Math.min(6, Number(block.tag.slice(1)) + 1)}`;
    }
    const style = block.type === 'th_open' || block.type === 'td_open' ? block.attrGet('style') : null;
    if (style !== null) {
      const align = /text-align:(\w+)/.exec(String(style))?.[1];
      block.attrs = align ? [['class', `align-${align}`]] : null;
    }
    if (block.type !== 'inline' || !block.children) continue;
    const children: Token[] = [];
    const hrefs: string[] = [];
    for (const token of block.children) {
      if (token.type === 'link_open') {
        hrefs.push(String(token.attrGet('href') ?? ''));
        continue;
      }
      if (token.type === 'link_close') {
        const href = hrefs.pop() ?? '';
        const text = children.at(-1)?.content ?? '';
        if (href && href !== text && href !== `mailto:${text}`) {
          const address = new state.Token('text', '', 0);
          address.content = ` (${href.replace(/^mailto:/, '')})`;
          children.push(address);
        }
        continue;
      }
      children.push(token);
    }
    block.children = children;
  }
});

/** The document as the kiosk shows it: HTML with no raw HTML, no links, no images, headings from h2. */
export function renderPolicyMarkdown(markdown: string): string {
  return md.render(markdown);
}

/** The document as blocks of plain text, in reading order (for read-aloud). */
export function documentChunks(markdown: string): string[] {
  const chunks: string[] = [];
  for (const token of md.parse(markdown, {})) {
    if (token.type !== 'inline') continue;
    const text = (token.children ?? [])
      .map((c) => (c.type === 'softbreak' || c.type === 'hardbreak' ? ' ' : c.content))
      .join('')
      .trim();
    if (text) chunks.push(text);
  }
  return chunks;
}
