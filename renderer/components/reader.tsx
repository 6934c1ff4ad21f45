// The reading layout shared by the policy and the Internet Safety rules: title, version, text size,
// read-aloud, the document in its own scrolling region, and the screen's controls at the foot.
import { lazy, Suspense, useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PolicyDocumentView } from '../../electron/core/api/contract.ts';
import { formatLocalDate } from '../kiosk-time.ts';
import { useKiosk } from '../store.ts';
import { ReadAloud, type ReadAloudTarget } from './read-aloud.tsx';
import { ScreenHeading } from './screen-heading.tsx';
import { TextSize } from './text-size.tsx';

const PolicyDocument = lazy(() => import('./policy-document.tsx'));

/** What read-aloud reads: the summary where there is one (its recording, else a voice), else the text. */
export const readAloudTarget = (doc: PolicyDocumentView, summary?: PolicyDocumentView): ReadAloudTarget =>
  summary ? { language: summary.language, audio: summary.audio, summary: true } : { language: doc.language, audio: doc.audio };

export interface ReaderProps {
  screen: string;
  document: PolicyDocumentView;
  /** Accessible name of the scrolling text. */
  label: string;
  intro: ReactNode;
  /** Scrolled to the end, or read aloud to the end (the summary, where there is one). */
  onReachedEnd(): void;
  /** The plain-words summary shown above the text (K-5, issue 14): what read-aloud plays. */
  summary?: PolicyDocumentView | undefined;
  children: ReactNode;
}

export function Reader({ screen, document: doc, label, intro, onReachedEnd, summary, children }: ReaderProps) {
  const { t, i18n } = useTranslation();
  const textSize = useKiosk((s) => s.textSize);
  const [chunks, setChunks] = useState<string[]>([]);
  const chunksReady = useCallback((c: string[]) => setChunks(c), []);
  return (
    <div className="reader">
      <div className="reader-head">
        <div className="reader-title">
          <ScreenHeading screen={screen}>{doc.title}</ScreenHeading>
          <p className="meta">{t('policy.version', { version: doc.version, date: formatLocalDate(doc.effective, i18n.language) })}</p>
        </div>
        <div className="reader-tools">
          <TextSize />
          <ReadAloud chunks={chunks} target={readAloudTarget(doc, summary)} onFinished={onReachedEnd} />
        </div>
      </div>
      <div className="reader-intro">
        {intro}
        {!doc.reviewed && (
          <p className="notice" lang={i18n.language}>
            {t('policy.unreviewed')}
          </p>
        )}
      </div>
      <Suspense
        fallback={
          <div className="document-scroll">
            <p>{t('policy.loadingDocument')}</p>
          </div>
        }
      >
        <PolicyDocument
          key={doc.sha256}
          markdown={doc.markdown}
          language={doc.language}
          label={label}
          textSize={textSize}
          endLabel={t('policy.end')}
          onReachedEnd={onReachedEnd}
          onChunks={chunksReady}
          summary={
            summary && {
              markdown: summary.markdown,
              language: summary.language,
              note: t('policy.summaryNote'),
              unreviewed: summary.reviewed ? undefined : t('policy.summaryUnreviewed'),
            }
          }
        />
      </Suspense>
      <div className="reader-foot">{children}</div>
    </div>
  );
}
