// The lock screen: where, when, who, why (in plain words), and who can open it. It never scrolls.
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { LockIcon } from '../components/icons.tsx';
import { ReadAgain } from '../components/read-again.tsx';
import { RefusalAlert } from '../components/refusal-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { formatDate, formatTime, useKioskNow } from '../kiosk-time.ts';
import { useKiosk } from '../store.ts';

type LockedView = Extract<KioskView, { kind: 'locked' }>;

export function KioskClock({ timeZone }: { timeZone: string }) {
  const { t, i18n } = useTranslation();
  const now = useKioskNow();
  return (
    <p className="clock" aria-label={`${t('locked.clock')}: ${formatTime(now, i18n.language, timeZone)}`}>
      <time className="clock-time" dateTime={now.toISOString()}>
        {formatTime(now, i18n.language, timeZone)}
      </time>
      <span className="clock-date">{formatDate(now, i18n.language, timeZone)}</span>
    </p>
  );
}

export function LockedScreen({ view }: { view: LockedView }) {
  const { t } = useTranslation();
  const { teacherUnlockOpened, adminOverrideOpened, openRoomOpened } = useKiosk.getState();
  return (
    <Frame context={view.context} screen="locked">
      <div className="lock">
        <KioskClock timeZone={view.context.timeZone} />
        <div className="lock-card">
          <LockIcon className="icon lock-icon" />
          <ScreenHeading screen="locked" describedBy={view.overrideOnly ? 'lock-reason lock-override-only' : 'lock-reason'}>
            {t('locked.heading')}
          </ScreenHeading>
          <p className="who">{t('common.signedInAs', { name: view.user.greetingName ?? view.user.displayName })}</p>
          <p className="reason" id="lock-reason" data-reason={view.reason}>
            {t(`locked.reason.${view.reason}`)}
          </p>
          {view.overrideOnly && (
            <p className="hint" id="lock-override-only">
              {t('locked.overrideOnly')}
            </p>
          )}
          <div className="actions">
            {!view.overrideOnly && (
              <button type="button" className="primary" onClick={teacherUnlockOpened}>
                {t('locked.teacherUnlock')}
              </button>
            )}
            {/* From any computer of the room, a suspended student's included: that student stays locked. */}
            <button type="button" className="secondary" onClick={openRoomOpened}>
              {t('locked.openRoom')}
            </button>
            <button type="button" className={view.overrideOnly ? 'primary' : 'secondary'} onClick={adminOverrideOpened}>
              {t('locked.adminOverride')}
            </button>
          </div>
          <RefusalAlert />
        </div>
        <ReadAgain />
      </div>
    </Frame>
  );
}
