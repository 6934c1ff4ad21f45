// Loads the document screens (reader-screens.tsx) when a view needs them. main.tsx waits for them
// before it hands such a view to the store, so the screen on display stays until the next one can
// be drawn whole (no "loading" flash between the lock screen and the policy).
import type { KioskView } from '../electron/core/api/contract.ts';
import type * as ReaderScreensModule from './reader-screens.tsx';

type ReaderScreens = typeof ReaderScreensModule;

let loaded: ReaderScreens | null = null;
let loading: Promise<ReaderScreens> | null = null;

/** The view shows a document: the policy (to accept, or accepted and opened again), or the safety rules. */
export const showsDocument = (view: KioskView): boolean => view.kind === 'policy' || view.kind === 'policy-accepted' || view.kind === 'safety-rules';

/** The document screens, if loaded. */
export const readerScreens = (): ReaderScreens | null => loaded;

/** Loads the document screens and, alongside, the Markdown renderer they will ask for. */
export function loadReaderScreens(): Promise<ReaderScreens> {
  if (!loading) {
    const attempt = Promise.all([import('./reader-screens.tsx'), import('./components/policy-document.tsx')]).then(([screens]) => (loaded = screens));
    // A failed load (the page's server gone) is tried again by the next view that needs it.
    attempt.catch(() => {
      if (loading === attempt) loading = null;
    });
    loading = attempt;
  }
  return loading;
}
