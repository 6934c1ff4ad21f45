// "Read to the end first": the policy's Accept and the Internet Safety rules' acknowledgement wait
// until the reader has scrolled the text to its end or had it read aloud to the end. Reaching the
// end counts for the document shown only: another language or version starts over.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PolicyDocumentView } from '../../electron/core/api/contract.ts';
import { WarningIcon } from './icons.tsx';

export interface ReadToEnd {
  reachedEnd: boolean;
  reached(): void;
  /** How many times Accept (or Enter in the name field) was pressed before the end: each press answers. */
  tooEarly: number;
  /** Accept pressed before the end: says "Not yet" and what is left, announced (not a silent no-op). */
  pressedTooEarly(): void;
}

export function useReadToEnd(doc: PolicyDocumentView): ReadToEnd {
  const [readDocument, setReadDocument] = useState<string | null>(null);
  const [tooEarly, setTooEarly] = useState(0);
  return {
    reachedEnd: readDocument === doc.sha256,
    reached: () => setReadDocument(doc.sha256),
    tooEarly,
    pressedTooEarly: () => setTooEarly((n) => n + 1),
  };
}

/**
 * Says what is left to do, and then that it is done (politely announced); the button names it in
 * aria-describedby. A press before the end answers in an alert ("Not yet." and what is left), each time.
 */
export function ReadToEndStatus({
  id,
  reachedEnd,
  toRead,
  done,
  tooEarly = 0,
}: {
  id: string;
  reachedEnd: boolean;
  toRead: string;
  done: string;
  tooEarly?: number;
}) {
  const { t } = useTranslation();
  return (
    <>
      <p id={id} className={reachedEnd ? 'status status-done' : 'status'} aria-live="polite">
        {reachedEnd ? done : toRead}
      </p>
      <div role="alert" className="refusal-slot">
        {tooEarly > 0 && !reachedEnd && (
          <p className="refusal" key={tooEarly}>
            <WarningIcon />
            <span>
              {t('policy.notYet')} {toRead}
            </span>
          </p>
        )}
      </div>
    </>
  );
}
