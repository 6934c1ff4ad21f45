// The session is open: by whom, until when, what remains; a warning near the end (the kiosk says
// when: `warning`). The minutes left are counted from the kiosk's own clock. Opened with the whole room
// (issue 11): says so, offers "End class", and shows the teacher who opened it the room's computers.
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { UnlockIcon, WarningIcon } from '../components/icons.tsx';
import { ReadAgain } from '../components/read-again.tsx';
import { RoomComputers } from '../components/room-computers.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { formatUntil, useKioskNow } from '../kiosk-time.ts';
import { useKiosk } from '../store.ts';
import { GuardianDenied } from './teacher-unlock.tsx';

type UnlockedView = Extract<KioskView, { kind: 'unlocked' }>;

export function UnlockedScreen({ view }: { view: UnlockedView }) {
  const { t, i18n } = useTranslation();
  const now = useKioskNow(5000);
  const until = new Date(view.until);
  // Said to the minute: a room's end carried over from the database's clock may arrive a few ms early.
  const untilText = formatUntil(new Date(Math.round(until.getTime() / 60_000) * 60_000), i18n.language, view.context.timeZone);
  const msLeft = until.getTime() - now.getTime();
  // Counted down like a kitchen timer: 55 minutes until 54 minutes are left, then less than a minute.
  const minutesLeft = msLeft > 60_000 ? Math.ceil(msLeft / 60_000) : 0;
  const endClassOpened = useKiosk((s) => s.endClassOpened);
  const room = view.context.site.room;
  const by = { by: view.byName, until: untilText, room };
  return (
    <Frame context={view.context} screen="unlocked">
      <div className={view.warning ? 'unlocked unlocked-warning' : 'unlocked'}>
        <div className="lock-card">
          <UnlockIcon className="icon lock-icon" />
          <ScreenHeading screen="unlocked" describedBy="unlocked-remaining unlocked-by">
            {t('unlocked.heading')}
          </ScreenHeading>
          <p className="remaining" id="unlocked-remaining">
            {minutesLeft > 0 ? t('unlocked.remaining', { count: minutesLeft }) : t('unlocked.lastMinute')}
          </p>
          <p className="by" id="unlocked-by">
            {view.room
              ? t(view.unlockKind === 'override' ? 'unlocked.byRoomOverride' : 'unlocked.byRoom', by)
              : t(view.unlockKind === 'override' ? 'unlocked.byOverride' : 'unlocked.byTeacher', by)}
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
          {view.room && (
            <div className="actions">
              <button type="button" className="secondary" onClick={endClassOpened}>
                {t('endClass.button')}
              </button>
            </div>
          )}
        </div>
        {view.room?.computers && (
          <RoomComputers
            computers={view.room.computers}
            room={room}
            timeZone={view.context.timeZone}
            stateOnly={view.room.stateOnly === true}
            attention={view.room.attention}
          />
        )}
        <ReadAgain />
      </div>
    </Frame>
  );
}
