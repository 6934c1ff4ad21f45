// A teacher signs in to unlock a student's session. The kiosk decides (approved teacher, not a
// substitute); this form only collects the name and secret. A parent's denial of Internet access
// is shown here, to the teacher, before they unlock.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { WarningIcon } from '../components/icons.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { CredentialFields, SignInForm } from '../components/sign-in-form.tsx';
import { sendIntent } from '../intents.ts';

type LockedView = Extract<KioskView, { kind: 'locked' }>;

export function GuardianDenied({ name, text }: { name: string; text: 'teacher.guardianDenied' | 'unlocked.guardianDenied' }) {
  const { t } = useTranslation();
  return (
    <p className="guardian-denied">
      <WarningIcon />
      <span>{t(text, { name })}</span>
    </p>
  );
}

export function TeacherUnlockScreen({ view }: { view: LockedView }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const secret = useRef<HTMLInputElement>(null);
  return (
    <Frame context={view.context} screen="teacher-unlock">
      <div className="panel">
        <ScreenHeading screen="teacher-unlock">{t('teacher.heading')}</ScreenHeading>
        <p className="intro">{t('teacher.intro', { name: view.user.displayName })}</p>
        {view.guardianDeniedInternet && <GuardianDenied name={view.user.displayName} text="teacher.guardianDenied" />}
        {/* The policy's consequence "Use of district network only under direct supervision": the teacher
            who unlocks is the one told to stay (the student's own screen says to ask a teacher). */}
        {view.reason === 'supervision-required' && (
          <p className="guardian-denied">
            <WarningIcon />
            <span>{t('teacher.supervision', { name: view.user.displayName })}</span>
          </p>
        )}
        <SignInForm
          submitLabel={t('teacher.submit')}
          secretRef={secret}
          onSubmit={() => void sendIntent((kiosk) => kiosk.teacherUnlock({ username: username.trim(), secret: secret.current?.value ?? '' }))}
        >
          <CredentialFields
            idPrefix="teacher"
            usernameLabel={t('teacher.username')}
            secretLabel={t('teacher.secret')}
            username={username}
            onUsername={setUsername}
            secretRef={secret}
          />
        </SignInForm>
      </div>
    </Frame>
  );
}
