// A policy document, rendered from its Markdown. Loaded lazily: markdown-it is the largest thing the
// renderer uses and the lock screen does not need it. How Markdown becomes HTML is the kiosk's own
// rule, shared with the evidence page and `aup policy show` (electron/core/api/policy-markdown.ts),
// so what a hearing sees is what the student saw.
//
// A sentinel after the last line tells, through an IntersectionObserver, that the reader reached the end.
import { useEffect, useMemo, useRef } from 'react';
import { documentChunks, renderPolicyMarkdown } from '../../electron/core/api/policy-markdown.ts';

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
  const html = useMemo(() => renderPolicyMarkdown(markdown), [markdown]);
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
