// The policy this person accepted, opened again to read (from the lock, unlocked or all-set screen).
// Read only: nothing to accept or sign again; Close goes back.
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { Reader } from '../components/reader.tsx';
import { RefusalAlert } from '../components/refusal-alert.tsx';
import { useEscape } from '../components/use-escape.ts';
import { sendIntent } from '../intents.ts';
import { useKiosk } from '../store.ts';

type AcceptedView = Extract<KioskView, { kind: 'policy-accepted' }>;

export function PolicyAcceptedScreen({ view }: { view: AcceptedView }) {
  const { t } = useTranslation();
  const busy = useKiosk((s) => s.busy);
  const close = () => !busy && void sendIntent((kiosk) => kiosk.closePolicy());
  useEscape(close);
  return (
    <Frame context={view.context} screen="policy-accepted">
      <Reader
        screen="policy-accepted"
        document={view.document}
        label={t('policy.documentLabel')}
        intro={<p className="intro">{t('policy.acceptedIntro', { name: view.user.greetingName ?? view.user.displayName })}</p>}
        onReachedEnd={() => {}}
        summary={view.summary}
      >
        <div className="sign">
          <button type="button" className="primary" aria-disabled={busy} onClick={close}>
            {t('policy.acceptedClose')}
          </button>
          <RefusalAlert />
        </div>
      </Reader>
    </Frame>
  );
}
