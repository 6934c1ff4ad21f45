// The renderer's entry: find the kiosk (Electron's preload, or the loopback bridge in a browser),
// mirror every view it pushes, and render.
//
// The page arrives with the lock screen's shell painted (index.html, boot.ts) and, where the
// transport could send it, the first view (api/first-view.ts). React mounts when there is a view to
// draw (at once with a first view) or a lost connection to report, and replaces the shell in one commit.
import { StrictMode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import type { KioskView } from '../electron/core/api/contract.ts';
import { FIRST_VIEW_ELEMENT_ID, parseFirstView } from '../electron/core/api/first-view.ts';
import { App } from './app.tsx';
import { installBridgeClient } from './bridge-client.ts';
import { followLanguage, i18n } from './i18n/index.ts';
import { connectIntents } from './intents.ts';
import { loadReaderScreens, readerScreens, showsDocument } from './lazy-screens.ts';
import { useKiosk } from './store.ts';

const firstViewElement = document.getElementById(FIRST_VIEW_ELEMENT_ID);
const firstView = parseFirstView(firstViewElement?.textContent);
firstViewElement?.remove();

// A screen without the kiosk's language (the technician's config error) follows the machine's.
followLanguage(navigator.language);

let mounted = false;
/** Mounts React (boot.ts started this module once the shell was painted). */
function mount() {
  if (mounted) return;
  mounted = true;
  const root = document.getElementById('root');
  if (!root) return;
  const reactRoot = createRoot(root);
  // Drawn in this task, not a later one: the shell is replaced in this commit.
  flushSync(() =>
    reactRoot.render(
      <StrictMode>
        <I18nextProvider i18n={i18n}>
          <App />
        </I18nextProvider>
      </StrictMode>,
    ),
  );
}

const kiosk = installBridgeClient((state) => {
  useKiosk.getState().connectionChanged(state);
  // The connection dropped before a view came: the loading screen says so, not the shell.
  if (state === 'reconnecting') mount();
});
connectIntents(kiosk);

function show(view: KioskView) {
  if ('context' in view && view.context) followLanguage(view.context.language, view.context.uiStrings);
  useKiosk.getState().viewReceived(view);
  mount();
}

let received = false;
/** Views waiting for the document screens' code, in the order they came. */
let queued: Promise<void> | null = null;
function viewReceived(view: KioskView) {
  received = true;
  if (!queued && (!showsDocument(view) || readerScreens())) return show(view);
  const next = (queued ?? Promise.resolve())
    .then(() => (showsDocument(view) ? loadReaderScreens() : null))
    // Not loaded (the page's server gone): the screen asks for its code again when it renders.
    .catch(() => null)
    .then(() => show(view));
  queued = next;
  void next.then(() => {
    if (queued === next) queued = null;
  });
}

if (firstView) viewReceived(firstView);
kiosk.onView(viewReceived);
void kiosk.getView().then((view) => {
  // A view pushed meanwhile (or sent with the page) is newer than this answer.
  if (!received) viewReceived(view);
});
// A page without the shell has nothing on screen until React draws the loading screen.
if (!document.querySelector('[data-lock-shell]')) mount();
