// Staff (and anyone not locked): the policy is accepted, nothing more to do. A teacher signed in at
// their own computer may open the room for the class period, or end the class, from here: the OS
// sign-in already says who they are (issue 11), so no PIN is asked; the kiosk decides who may.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { CheckIcon } from '../components/icons.tsx';
import { ReadAgain } from '../components/read-again.tsx';
import { RoomComputers } from '../components/room-computers.tsx';
import { RefusalAlert } from '../components/refusal-alert.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { sendIntent } from '../intents.ts';

export function FreeScreen({ view }: { view: Extract<KioskView, { kind: 'free' }> }) {
  const { t } = useTranslation();
  const teacher = view.user.role === 'teacher';
  return (
    <Frame context={view.context} screen="free">
      <div className="lock-card done">
        <CheckIcon className="icon lock-icon" />
        <ScreenHeading screen="free" describedBy="free-body">
          {t('free.heading')}
        </ScreenHeading>
        <p id="free-body">{t('free.body', { name: view.user.greetingName ?? view.user.displayName })}</p>
      </div>
      {teacher && <RoomActions view={view} />}
      {view.room && (
        <RoomComputers
          computers={view.room.computers}
          room={view.context.site.room}
          timeZone={view.context.timeZone}
          attention={view.room.attention}
        />
      )}
      <ReadAgain safetyRules={view.user.role === 'student'} />
    </Frame>
  );
}

function RoomActions({ view }: { view: Extract<KioskView, { kind: 'free' }> }) {
  const { t } = useTranslation();
  const [done, setDone] = useState<'opened' | 'ended' | null>(null);
  const room = view.context.site.room;
  const me = { username: view.user.username, secret: '' };
  const run = async (what: 'opened' | 'ended') => {
    setDone(null);
    const outcome = await sendIntent((kiosk) => (what === 'opened' ? kiosk.openRoom(me) : kiosk.endClass(me)));
    if (outcome.ok) setDone(what);
  };
  return (
    <section className="lock-card room-actions" aria-labelledby="room-actions-heading">
      <h2 id="room-actions-heading">{t('free.room.heading')}</h2>
      <p>{t('free.room.intro', { room })}</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => void run('opened')}>
          {t('free.room.open')}
        </button>
        <button type="button" className="secondary" onClick={() => void run('ended')}>
          {t('free.room.end')}
        </button>
      </div>
      <p role="status">{done ? t(`free.room.${done}`, { room }) : ''}</p>
      <RefusalAlert />
    </section>
  );
}
