// "Read to the end first": the policy's Accept and the Internet Safety rules' acknowledgement wait
// until the reader has scrolled the text to its end or had it read aloud to the end. Reaching the
// end counts for the document shown only: another language or version starts over.
import { useState } from 'react';
import type { PolicyDocumentView } from '../../electron/core/api/contract.ts';

export function useReadToEnd(doc: PolicyDocumentView): { reachedEnd: boolean; reached(): void } {
  const [readDocument, setReadDocument] = useState<string | null>(null);
  return { reachedEnd: readDocument === doc.sha256, reached: () => setReadDocument(doc.sha256) };
}

/** Says what is left to do, and then that it is done (politely announced); the button names it in aria-describedby. */
export function ReadToEndStatus({ id, reachedEnd, toRead, done }: { id: string; reachedEnd: boolean; toRead: string; done: string }) {
  return (
    <p id={id} className={reachedEnd ? 'status status-done' : 'status'} aria-live="polite">
      {reachedEnd ? done : toRead}
    </p>
  );
}
