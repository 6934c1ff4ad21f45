// The session is open: by whom, until when, what remains; a warning near the end (the kiosk says
// when: `warning`). The minutes left are counted from the kiosk's own clock.
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { UnlockIcon, WarningIcon } from '../components/icons.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { formatTime, useKioskNow } from '../kiosk-time.ts';
import { SafetyRulesButton } from './locked.tsx';
import { GuardianDenied } from './teacher-unlock.tsx';

type UnlockedView = Extract<KioskView, { kind: 'unlocked' }>;

export function UnlockedScreen({ view }: { view: UnlockedView }) {
  const { t, i18n } = useTranslation();
  const now = useKioskNow(5000);
  const until = new Date(view.until);
  const untilText = formatTime(until, i18n.language, view.context.timeZone);
  const msLeft = until.getTime() - now.getTime();
  // Counted down like a kitchen timer: 55 minutes until 54 minutes are left, then less than a minute.
  const minutesLeft = msLeft > 60_000 ? Math.ceil(msLeft / 60_000) : 0;
  return (
    <Frame context={view.context} screen="unlocked">
      <div className={view.warning ? 'unlocked unlocked-warning' : 'unlocked'}>
        <div className="lock-card">
          <UnlockIcon className="icon lock-icon" />
          <ScreenHeading screen="unlocked">{t('unlocked.heading')}</ScreenHeading>
          <p className="remaining">{minutesLeft > 0 ? t('unlocked.remaining', { count: minutesLeft }) : t('unlocked.lastMinute')}</p>
          <p className="by">
            {view.unlockKind === 'override'
              ? t('unlocked.byOverride', { by: view.byName, until: untilText })
              : t('unlocked.byTeacher', { by: view.byName, until: untilText })}
          </p>
          <div role="status" className="warning-slot">
            {view.warning && (
              <div className="time-warning">
                <WarningIcon />
                <p>
                  <strong>{t('unlocked.warningHeading')}.</strong> {t('unlocked.warning', { until: untilText })}
                </p>
              </div>
            )}
          </div>
          {view.guardianDeniedInternet && <GuardianDenied name={view.user.displayName} text="unlocked.guardianDenied" />}
        </div>
        <SafetyRulesButton />
      </div>
    </Frame>
  );
}
