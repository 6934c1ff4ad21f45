// The renderer's entry: find the kiosk (Electron's preload, or the loopback bridge in a browser),
// mirror every view it pushes, and render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import type { KioskView } from '../electron/core/api/contract.ts';
import { App } from './app.tsx';
import { installBridgeClient } from './bridge-client.ts';
import { followLanguage, i18n } from './i18n/index.ts';
import { connectIntents } from './intents.ts';
import { useKiosk } from './store.ts';
import './styles.css';

// A screen without the kiosk's language (the technician's config error) follows the machine's.
followLanguage(navigator.language);

const kiosk = installBridgeClient((state) => useKiosk.getState().connectionChanged(state));
connectIntents(kiosk);

let received = false;
function viewReceived(view: KioskView) {
  received = true;
  if ('context' in view && view.context) followLanguage(view.context.language, view.context.uiStrings);
  useKiosk.getState().viewReceived(view);
}
kiosk.onView(viewReceived);
void kiosk.getView().then((view) => {
  // A view pushed meanwhile is newer than this answer.
  if (!received) viewReceived(view);
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
}
