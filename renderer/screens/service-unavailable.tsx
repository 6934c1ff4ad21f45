// The machine service cannot be reached: the computer stays locked and the screen says why, in the
// machine's language, to whoever is at it. Nothing here can open anything.
import { useTranslation } from 'react-i18next';
import { Frame } from '../components/frame.tsx';
import { LockIcon } from '../components/icons.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';

export function ServiceUnavailableScreen() {
  const { t } = useTranslation();
  return (
    <Frame screen="service-unavailable">
      <div className="lock-card">
        <LockIcon className="icon lock-icon" />
        <ScreenHeading screen="service-unavailable">{t('serviceUnavailable.heading')}</ScreenHeading>
        <p role="status">{t('serviceUnavailable.body')}</p>
        <p>{t('serviceUnavailable.next')}</p>
      </div>
    </Frame>
  );
}
