// Before the kiosk's first view (or while the connection to it is being restored).
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { useKiosk } from '../store.ts';

export function LoadingScreen({ view }: { view: Extract<KioskView, { kind: 'loading' }> }) {
  const { t } = useTranslation();
  const connection = useKiosk((s) => s.connection);
  return (
    <Frame context={view.context} screen="loading">
      <div className="lock-card">
        <ScreenHeading screen="loading">{t('loading.heading')}</ScreenHeading>
        <p role="status">{connection === 'reconnecting' ? t('loading.reconnecting') : t('loading.body')}</p>
      </div>
    </Frame>
  );
}
