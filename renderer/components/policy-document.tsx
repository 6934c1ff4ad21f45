// A policy document, rendered from its Markdown. Loaded lazily: markdown-it is the largest thing the
// renderer uses and the lock screen does not need it. How Markdown becomes HTML is the kiosk's own
// rule, shared with the evidence page and `aup policy show` (electron/core/api/policy-markdown.ts),
// so what a hearing sees is what the student saw.
//
// A sentinel after the last line tells, through an IntersectionObserver, that the reader reached the end.
// A K-5 student's plain-words summary (issue 14) comes first in the same region, marked as a summary:
// the district's full text stays below it, and scrolling to its end still counts.
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
  /**
   * The plain-words summary shown above the text (K-5, issue 14), marked as a summary by `note`;
   * read aloud instead of the text (`onChunks` gets its blocks).
   */
  summary?: { markdown: string; language: string; note: string; unreviewed?: string | undefined } | undefined;
}

export default function PolicyDocument({ markdown, language, label, textSize, endLabel, onReachedEnd, onChunks, summary }: PolicyDocumentProps) {
  const html = useMemo(() => renderPolicyMarkdown(markdown), [markdown]);
  const summaryHtml = useMemo(() => (summary ? renderPolicyMarkdown(summary.markdown) : ''), [summary?.markdown]);
  const region = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLParagraphElement>(null);
  const reached = useRef(onReachedEnd);
  reached.current = onReachedEnd;

  const spoken = summary?.markdown ?? markdown;
  useEffect(() => {
    onChunks?.(documentChunks(spoken));
  }, [spoken, onChunks]);

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
      {summary && (
        <section className="summary" aria-labelledby="summary-note">
          <p id="summary-note" className="summary-note">
            {summary.note}
          </p>
          {summary.unreviewed && <p className="notice">{summary.unreviewed}</p>}
          <div className="document" lang={summary.language} dangerouslySetInnerHTML={{ __html: summaryHtml }} />
        </section>
      )}
      <div className={summary ? 'document document-full' : 'document'} lang={language} dangerouslySetInnerHTML={{ __html: html }} />
      <p ref={sentinel} className="document-end">
        {endLabel}
      </p>
    </div>
  );
}
