// Staff (and anyone not locked): the policy is accepted, nothing more to do.
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { CheckIcon } from '../components/icons.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';

export function FreeScreen({ view }: { view: Extract<KioskView, { kind: 'free' }> }) {
  const { t } = useTranslation();
  return (
    <Frame context={view.context} screen="free">
      <div className="lock-card done">
        <CheckIcon className="icon lock-icon" />
        <ScreenHeading screen="free">{t('free.heading')}</ScreenHeading>
        <p>{t('free.body', { name: view.user.displayName })}</p>
      </div>
    </Frame>
  );
}
