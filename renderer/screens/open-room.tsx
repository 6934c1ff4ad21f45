// "Open this room" (issue 11): a teacher opens every student computer of this campus and room for the
// class period, from any locked computer of it. The kiosk decides (approved teacher, not a substitute,
// an administrator's override with a reason, the district's maximum); this form collects the sign-in,
// how long, and the override's reason, and checks only what a person can fix before sending.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskView, OpenRoomRequest } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { CredentialFields, SignInForm } from '../components/sign-in-form.tsx';
import { sendIntent } from '../intents.ts';

type LockedView = Extract<KioskView, { kind: 'locked' }>;

/** What this form accepts; the district's own maximum is the kiosk's to enforce (`too-long`). */
const MAX_MINUTES = 480;

export function OpenRoomScreen({ view }: { view: LockedView }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [length, setLength] = useState<'period' | 'minutes'>('period');
  const [minutes, setMinutes] = useState('');
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<'minutes' | 'reason' | null>(null);
  const secret = useRef<HTMLInputElement>(null);
  const minutesField = useRef<HTMLInputElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);

  const submit = () => {
    const wholeMinutes = /^\d+$/.test(minutes.trim()) ? Number(minutes.trim()) : NaN;
    if (length === 'minutes' && !(wholeMinutes >= 1 && wholeMinutes <= MAX_MINUTES)) {
      setProblem('minutes');
      minutesField.current?.focus();
      return;
    }
    if (override && reason.trim() === '') {
      setProblem('reason');
      reasonField.current?.focus();
      return;
    }
    setProblem(null);
    const request: OpenRoomRequest = {
      username: username.trim(),
      secret: secret.current?.value ?? '',
      ...(length === 'minutes' ? { minutes: wholeMinutes } : {}),
      ...(override ? { reason: reason.trim() } : {}),
    };
    void sendIntent((kiosk) => kiosk.openRoom(request));
  };

  return (
    <Frame context={view.context} screen="open-room">
      <div className="panel">
        <ScreenHeading screen="open-room">{t('room.heading')}</ScreenHeading>
        <p className="intro">{t('room.intro', { room: view.context.site.room })}</p>
        <p className="hint">{t('room.stillLocked')}</p>
        <SignInForm
          submitLabel={t('room.submit')}
          secretRef={secret}
          onSubmit={submit}
          refusalFields={{ 'reason-required': reasonField, 'too-long': minutesField }}
        >
          <div className="field-row">
            <CredentialFields
              idPrefix="room"
              usernameLabel={t('room.username')}
              secretLabel={t('room.secret')}
              username={username}
              onUsername={setUsername}
              secretRef={secret}
            />
          </div>
          <fieldset className="choices">
            <legend>{t('room.howLong')}</legend>
            <label className="choice">
              <input type="radio" name="room-length" value="period" checked={length === 'period'} onChange={() => setLength('period')} />
              <span>{t('room.untilPeriodEnd')}</span>
            </label>
            <label className="choice">
              <input type="radio" name="room-length" value="minutes" checked={length === 'minutes'} onChange={() => setLength('minutes')} />
              <span>{t('room.forMinutes')}</span>
            </label>
            {length === 'minutes' && (
              <div className="field field-short nested">
                <label htmlFor="room-minutes">{t('room.minutes')}</label>
                <input
                  id="room-minutes"
                  ref={minutesField}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={MAX_MINUTES}
                  step={1}
                  value={minutes}
                  aria-invalid={problem === 'minutes'}
                  aria-describedby={problem === 'minutes' ? 'room-minutes-problem room-minutes-hint' : 'room-minutes-hint'}
                  onChange={(e) => {
                    setMinutes(e.target.value);
                    if (problem === 'minutes') setProblem(null);
                  }}
                />
                <p id="room-minutes-hint" className="hint">
                  {t('room.minutesHint')}
                </p>
                {problem === 'minutes' && (
                  <p id="room-minutes-problem" className="field-problem">
                    {t('room.minutesInvalid')}
                  </p>
                )}
              </div>
            )}
          </fieldset>
          <label className="choice">
            <input type="checkbox" checked={override} onChange={(e) => setOverride(e.target.checked)} />
            <span>{t('room.asAdministrator')}</span>
          </label>
          {override && (
            <div className="field nested">
              <label htmlFor="room-reason">{t('room.reason')}</label>
              <textarea
                id="room-reason"
                ref={reasonField}
                rows={2}
                required
                value={reason}
                aria-invalid={problem === 'reason'}
                aria-describedby={problem === 'reason' ? 'room-reason-problem room-reason-hint' : 'room-reason-hint'}
                onChange={(e) => {
                  setReason(e.target.value);
                  if (problem === 'reason') setProblem(null);
                }}
              />
              <p id="room-reason-hint" className="hint">
                {t('room.reasonHint')}
              </p>
              {problem === 'reason' && (
                <p id="room-reason-problem" className="field-problem">
                  {t('room.reasonMissing')}
                </p>
              )}
            </div>
          )}
        </SignInForm>
      </div>
    </Frame>
  );
}
