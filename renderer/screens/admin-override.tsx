// A campus administrator opens a session in special circumstances, with a written reason and a time
// limit. The kiosk checks both (reason-required, too-long) and records them.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { CredentialFields, SignInForm } from '../components/sign-in-form.tsx';
import { sendIntent } from '../intents.ts';
import { useKiosk } from '../store.ts';
import { GuardianDenied } from './teacher-unlock.tsx';

type LockedView = Extract<KioskView, { kind: 'locked' }>;

export function AdminOverrideScreen({ view }: { view: LockedView }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('30');
  const secret = useRef<HTMLInputElement>(null);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const minutesField = useRef<HTMLInputElement>(null);
  // A refusal about the reason or the minutes marks that field (and SignInForm focuses it).
  const refused = useKiosk((s) => s.refusal?.reason);
  const submit = () => {
    const request = { username: username.trim(), secret: secret.current?.value ?? '', reason, minutes: Number(minutes.trim() || NaN) };
    void sendIntent((kiosk) => kiosk.adminOverride(request));
  };
  return (
    <Frame context={view.context} screen="admin-override">
      <div className="panel">
        <ScreenHeading screen="admin-override">{t('admin.heading')}</ScreenHeading>
        <p className="intro">{t('admin.intro', { name: view.user.displayName })}</p>
        {view.guardianDeniedInternet && <GuardianDenied name={view.user.displayName} text="teacher.guardianDenied" />}
        <SignInForm
          submitLabel={t('admin.submit')}
          secretRef={secret}
          onSubmit={submit}
          refusalFields={{ 'reason-required': reasonField, 'too-long': minutesField }}
        >
          <div className="field-row">
            <CredentialFields
              idPrefix="admin"
              usernameLabel={t('admin.username')}
              secretLabel={t('admin.secret')}
              username={username}
              onUsername={setUsername}
              secretRef={secret}
            />
          </div>
          <div className="field">
            <label htmlFor="admin-reason">{t('admin.reason')}</label>
            <textarea
              id="admin-reason"
              ref={reasonField}
              rows={2}
              value={reason}
              aria-invalid={refused === 'reason-required'}
              aria-describedby="admin-reason-hint"
              onChange={(e) => setReason(e.target.value)}
            />
            <p id="admin-reason-hint" className="hint">
              {t('admin.reasonHint')}
            </p>
          </div>
          <div className="field field-short">
            <label htmlFor="admin-minutes">{t('admin.minutes')}</label>
            <input
              id="admin-minutes"
              ref={minutesField}
              aria-invalid={refused === 'too-long'}
              type="number"
              inputMode="numeric"
              min={1}
              step={1}
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </div>
        </SignInForm>
      </div>
    </Frame>
  );
}
