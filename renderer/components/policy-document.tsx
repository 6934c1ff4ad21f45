// A policy document, rendered from its Markdown. Loaded lazily: markdown-it is the largest thing the
// renderer uses and the lock screen does not need it.
//
// - `html: false`: raw HTML in a document is shown as text, never parsed.
// - Links are not followable inside the kiosk: a link becomes its text with the address after it.
// - Images become their alt text (a kiosk shows no remote content).
// - Headings move down one level: the screen's h1 is the document's title.
// - A sentinel after the last line tells, through an IntersectionObserver, that the reader reached the end.
import MarkdownIt, { type Token } from 'markdown-it';
import { useEffect, useMemo, useRef } from 'react';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.disable(['image']);

md.core.ruler.push('kiosk_plain', (state) => {
  for (const block of state.tokens) {
    if (block.type === 'heading_open' || block.type === 'heading_close') {
      block.tag = `h${Math.min(6, Number(block.tag.slice(1)) + 1)}`;
    }
    // markdown-it aligns table cells with a style attribute, which the strict CSP refuses.
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

export interface PolicyDocumentProps {
  markdown: string;
  /** The document's language, which may differ from the screen's (a fallback to English). */
  language: string;
  label: string;
  textSize: number;
  endLabel: string;
  onReachedEnd(): void;
  onChunks?(chunks: string[]): void;
}

export default function PolicyDocument({ markdown, language, label, textSize, endLabel, onReachedEnd, onChunks }: PolicyDocumentProps) {
  const html = useMemo(() => md.render(markdown), [markdown]);
  const region = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLParagraphElement>(null);
  const reached = useRef(onReachedEnd);
  reached.current = onReachedEnd;

  useEffect(() => {
    onChunks?.(documentChunks(markdown));
  }, [markdown, onChunks]);

  useEffect(() => {
    const end = sentinel.current;
    if (!end) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          reached.current();
          observer.disconnect();
        }
      },
      { root: region.current, threshold: 0 },
    );
    observer.observe(end);
    return () => observer.disconnect();
  }, [html]);

  return (
    // The region scrolls on its own, so it takes focus: arrow keys, Page Down and End read it.
    <div ref={region} className="document-scroll" role="region" aria-label={label} tabIndex={0} data-text-size={textSize}>
      <div className="document" lang={language} dangerouslySetInnerHTML={{ __html: html }} />
      <p ref={sentinel} className="document-end">
        {endLabel}
      </p>
    </div>
  );
}
