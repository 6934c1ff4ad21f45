// The teacher's view of the room (issue 11), on the computer where they opened it: each computer, who
// is signed in there (name, grade), locked or open, and why. A data table with its caption as the
// heading; at 200 % it scrolls sideways inside its own focusable region, never the page. On a
// student's screen (`stateOnly`, the room opened from it) each computer's state alone, and how many
// need the teacher: never another student's name, grade or notes (FERPA).
import { useTranslation } from 'react-i18next';
import type { RoomComputer } from '../../electron/core/api/contract.ts';
import { formatTime } from '../kiosk-time.ts';

export function RoomComputers({
  computers,
  room,
  timeZone,
  stateOnly = false,
  attention,
}: {
  computers: RoomComputer[];
  room: string;
  timeZone: string;
  stateOnly?: boolean;
  attention?: number | undefined;
}) {
  const { t, i18n } = useTranslation();
  const rows = [...computers].sort((a, b) => a.machine.localeCompare(b.machine, undefined, { numeric: true }));
  const seen = (iso: string) => {
    const at = new Date(iso);
    return Number.isFinite(at.getTime()) ? formatTime(at, i18n.language, timeZone) : '';
  };
  return (
    <div className="room-computers">
      <div className="table-scroll" role="region" aria-labelledby="room-computers-caption" tabIndex={0}>
        <table className="computers" aria-describedby="room-computers-hint">
          <caption>
            <h2 id="room-computers-caption">{t('roomView.caption', { room })}</h2>
            <p id="room-computers-hint" className="hint">
              {t('roomView.hint')}
              {attention !== undefined && <> {t('roomView.attention', { count: attention })}</>}
            </p>
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('roomView.machine')}</th>
              {!stateOnly && <th scope="col">{t('roomView.student')}</th>}
              {!stateOnly && <th scope="col">{t('roomView.grade')}</th>}
              <th scope="col">{t('roomView.state')}</th>
              {!stateOnly && <th scope="col">{t('roomView.notes')}</th>}
              <th scope="col">{t('roomView.seen')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.machine} data-state={c.state}>
                <th scope="row">{c.machine}</th>
                {!stateOnly && <td>{c.user ? c.user.displayName : <span className="muted">{t('roomView.nobody')}</span>}</td>}
                {!stateOnly && (
                  <td>
                    {c.user?.grade === undefined
                      ? ''
                      : c.user.grade === 0
                        ? t('roomView.kindergarten')
                        : c.user.grade === -1
                          ? t('roomView.prekindergarten')
                          : String(c.user.grade)}
                  </td>
                )}
                <td className="computer-state">
                  {c.state === 'free' && !c.user && !stateOnly ? t('roomView.notInUse') : t(`roomView.stateOf.${c.state}`)}
                </td>
                {!stateOnly && (
                  <td>
                    {c.notes.length === 0 ? (
                      <span className="muted">{t('roomView.noNotes')}</span>
                    ) : (
                      <ul className="notes">
                        {c.notes.map((n) => (
                          <li key={n}>{t(`roomView.note.${n}`)}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                )}
                <td>
                  <time dateTime={c.seenAt}>{seen(c.seenAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
