// "End class" (issue 11): from any computer of an open room, a teacher locks every student computer
// of it again. The kiosk decides who may; this form only collects the sign-in.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskView } from '../../electron/core/api/contract.ts';
import { Frame } from '../components/frame.tsx';
import { ScreenHeading } from '../components/screen-heading.tsx';
import { CredentialFields, SignInForm } from '../components/sign-in-form.tsx';
import { sendIntent } from '../intents.ts';

type UnlockedView = Extract<KioskView, { kind: 'unlocked' }>;

export function EndClassScreen({ view }: { view: UnlockedView }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const secret = useRef<HTMLInputElement>(null);
  return (
    <Frame context={view.context} screen="end-class">
      <div className="panel">
        <ScreenHeading screen="end-class">{t('endClass.heading')}</ScreenHeading>
        <p className="intro">{t('endClass.intro', { room: view.context.site.room })}</p>
        <SignInForm
          submitLabel={t('endClass.submit')}
          secretRef={secret}
          onSubmit={() => void sendIntent((kiosk) => kiosk.endClass({ username: username.trim(), secret: secret.current?.value ?? '' }))}
        >
          <CredentialFields
            idPrefix="end-class"
            usernameLabel={t('endClass.username')}
            secretLabel={t('endClass.secret')}
            username={username}
            onUsername={setUsername}
            secretRef={secret}
          />
        </SignInForm>
      </div>
    </Frame>
  );
}
