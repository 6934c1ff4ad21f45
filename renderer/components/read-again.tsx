// What a person may open again to read, from the lock screen, the unlocked screen and the all-set
// screen: the policy they accepted this year (read only: nothing to accept again), and a student's
// Internet Safety rules. The kiosk decides what opens; the page only asks.
import { useTranslation } from 'react-i18next';
import { sendIntent } from '../intents.ts';
import { useKiosk } from '../store.ts';
import { DocumentIcon, ShieldIcon } from './icons.tsx';

export function ReadAgain({ safetyRules = true }: { safetyRules?: boolean }) {
  const { t } = useTranslation();
  const busy = useKiosk((s) => s.busy);
  return (
    <div className="read-again">
      <button type="button" className="quiet" aria-disabled={busy} onClick={() => !busy && void sendIntent((kiosk) => kiosk.openPolicy())}>
        <DocumentIcon />
        <span>{t('common.acceptedPolicy')}</span>
      </button>
      {safetyRules && (
        <button type="button" className="quiet" aria-disabled={busy} onClick={() => !busy && void sendIntent((kiosk) => kiosk.openSafetyRules())}>
          <ShieldIcon />
          <span>{t('common.safetyRules')}</span>
        </button>
      )}
    </div>
  );
}
