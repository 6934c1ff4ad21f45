// The Internet Safety rules: after accepting the policy (acknowledged once), and again whenever a
// student opens them from the lock screen (then simply closed).
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { Reader } from '../components/reader.tsx';
import { RefusalAlert } from '../components/refusal-alert.tsx';
import { sendIntent } from '../intents.ts';
import { useKiosk } from '../store.ts';

type SafetyView = Extract<KioskView, { kind: 'safety-rules' }>;

export function SafetyRulesScreen({ view }: { view: SafetyView }) {
  const { t } = useTranslation();
  const busy = useKiosk((s) => s.busy);
  const doc = view.document;
  const done = () => {
    if (busy) return;
    void sendIntent((kiosk) =>
      view.mustAcknowledge ? kiosk.acknowledgeSafetyRules({ rulesId: doc.policyId, version: doc.version }) : kiosk.closeSafetyRules(),
    );
  };
  return (
    <Frame context={view.context} screen="safety-rules">
      <Reader
        screen="safety-rules"
        document={doc}
        label={t('safety.documentLabel')}
        intro={<p className="intro">{t('safety.intro')}</p>}
        onReachedEnd={() => {}}
      >
        <div className="sign">
          <button type="button" className="primary" aria-disabled={busy} onClick={done}>
            {view.mustAcknowledge ? t('safety.acknowledge') : t('safety.close')}
          </button>
          <RefusalAlert />
        </div>
      </Reader>
    </Frame>
  );
}
