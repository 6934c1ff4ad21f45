// Which screen to show: the view's kind, or a sign-in form over the lock screen. Each screen is keyed,
// so a new screen mounts fresh and its heading takes focus.
import { Suspense, use, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminOverrideScreen } from './screens/admin-override.tsx';
import { ConfigErrorScreen } from './screens/config-error.tsx';
import { EndClassScreen } from './screens/end-class.tsx';
import { ServiceUnavailableScreen } from './screens/service-unavailable.tsx';
import { FreeScreen } from './screens/free.tsx';
import { LoadingScreen } from './screens/loading.tsx';
import { LockedScreen } from './screens/locked.tsx';
import { OpenRoomScreen } from './screens/open-room.tsx';
import { TeacherUnlockScreen } from './screens/teacher-unlock.tsx';
import { UnlockedScreen } from './screens/unlocked.tsx';
import { screenOf, useKiosk } from './store.ts';
import { loadReaderScreens, readerScreens } from './lazy-screens.ts';
import type { KioskView } from '../electron/core/api/contract.ts';

/** The policy or the safety rules, from their own chunk (main.tsx has it loaded before such a view arrives). */
function DocumentScreen({ view }: { view: Extract<KioskView, { kind: 'policy' | 'policy-accepted' | 'safety-rules' }> }) {
  const screens = readerScreens() ?? use(loadReaderScreens());
  if (view.kind === 'policy-accepted') return <screens.PolicyAcceptedScreen view={view} />;
  return view.kind === 'policy' ? <screens.PolicyScreen view={view} /> : <screens.SafetyRulesScreen view={view} />;
}

export function App() {
  const { t } = useTranslation();
  const view = useKiosk((s) => s.view);
  const panel = useKiosk((s) => s.panel);
  const connection = useKiosk((s) => s.connection);
  const screen = screenOf(view, panel);
  const district = 'context' in view && view.context ? view.context.district.name : t('app.name');

  useEffect(() => {
    document.title = t('app.title', { screen: t(`screen.${screen}`), district });
  }, [t, screen, district]);

  return (
    <>
      {connection === 'reconnecting' && view.kind !== 'loading' && (
        <p className="connection" role="status">
          {t('loading.reconnecting')}
        </p>
      )}
      <Suspense fallback={null}>{render()}</Suspense>
    </>
  );

  function render() {
    switch (view.kind) {
      case 'loading':
        return <LoadingScreen key="loading" view={view} />;
      case 'config-error':
        return <ConfigErrorScreen key="config-error" view={view} />;
      case 'service-unavailable':
        return <ServiceUnavailableScreen key="service-unavailable" />;
      case 'policy':
        return <DocumentScreen key="policy" view={view} />;
      case 'policy-accepted':
        return <DocumentScreen key="policy-accepted" view={view} />;
      case 'safety-rules':
        return <DocumentScreen key={`safety-rules-${view.mustAcknowledge}`} view={view} />;
      case 'locked':
        if (panel === 'teacher-unlock') return <TeacherUnlockScreen key="teacher-unlock" view={view} />;
        if (panel === 'admin-override') return <AdminOverrideScreen key="admin-override" view={view} />;
        if (panel === 'open-room') return <OpenRoomScreen key="open-room" view={view} />;
        return <LockedScreen key="locked" view={view} />;
      case 'unlocked':
        if (screen === 'end-class') return <EndClassScreen key="end-class" view={view} />;
        return <UnlockedScreen key="unlocked" view={view} />;
      case 'free':
        return <FreeScreen key="free" view={view} />;
    }
  }
}
