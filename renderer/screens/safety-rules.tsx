// The Internet Safety rules: after accepting the policy (acknowledged once, like the policy only
// once read to the end or heard to the end), and again whenever a student opens them from the lock
// screen (then simply closed).
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { useListening } from '../components/read-aloud.tsx';
import { Reader, readAloudTarget } from '../components/reader.tsx';
import { ReadToEndStatus, useReadToEnd } from '../components/read-to-end.tsx';
import { RefusalAlert } from '../components/refusal-alert.tsx';
import { useEscape } from '../components/use-escape.ts';
import { sendIntent } from '../intents.ts';
import { useKiosk } from '../store.ts';

type SafetyView = Extract<KioskView, { kind: 'safety-rules' }>;

export function SafetyRulesScreen({ view }: { view: SafetyView }) {
  const { t } = useTranslation();
  const busy = useKiosk((s) => s.busy);
  const doc = view.document;
  const { reachedEnd, reached, tooEarly, pressedTooEarly } = useReadToEnd(doc);
  const listening = useListening(readAloudTarget(doc)); // the hint mentions listening only where it is offered
  const gated = view.mustAcknowledge && !reachedEnd;
  const done = () => {
    if (busy) return;
    if (gated) return pressedTooEarly();
    void sendIntent((kiosk) =>
      view.mustAcknowledge ? kiosk.acknowledgeSafetyRules({ rulesId: doc.policyId, version: doc.version }) : kiosk.closeSafetyRules(),
    );
  };
  // Opened again to read: Escape closes them, like their Close button. Not before the first acknowledgement.
  useEscape(view.mustAcknowledge ? null : done);
  return (
    <Frame context={view.context} screen="safety-rules">
      <Reader
        screen="safety-rules"
        document={doc}
        label={t('safety.documentLabel')}
        intro={<p className="intro">{t('safety.intro')}</p>}
        onReachedEnd={reached}
      >
        <div className="sign">
          {view.mustAcknowledge && (
            <ReadToEndStatus
              id="acknowledge-status"
              reachedEnd={reachedEnd}
              toRead={t('safety.readToEnd', { context: listening })}
              done={t('safety.reachedEnd')}
              tooEarly={tooEarly}
            />
          )}
          <button
            type="button"
            className="primary"
            aria-disabled={busy || gated}
            {...(view.mustAcknowledge ? { 'aria-describedby': 'acknowledge-status' } : {})}
            onClick={done}
          >
            {view.mustAcknowledge ? t('safety.acknowledge') : t('safety.close')}
          </button>
          <RefusalAlert />
        </div>
      </Reader>
    </Frame>
  );
}
