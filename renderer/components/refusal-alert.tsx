// Why the kiosk said no, in plain words, announced at once (role=alert). The container stays in the
// page so assistive technology is already watching it when a refusal arrives.
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../store.ts';
import { WarningIcon } from './icons.tsx';

export function RefusalAlert() {
  const { t } = useTranslation();
  const refusal = useKiosk((s) => s.refusal);
  return (
    <div role="alert" className="refusal-slot">
      {refusal && (
        <p className="refusal" key={refusal.seq}>
          <WarningIcon />
          <span>
            {t(`refusal.${refusal.reason}`)}
            {refusal.retryAfterSeconds !== undefined && ` ${t('refusal.retryAfter', { count: refusal.retryAfterSeconds })}`}
          </span>
        </p>
      )}
    </div>
  );
}
