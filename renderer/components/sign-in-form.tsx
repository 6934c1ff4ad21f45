// The sign-in forms over the lock screen (teacher unlock, administrator override). After a refusal
// the secret is cleared and focus returns to it; Escape or Cancel goes back to the lock screen.
import { useEffect, useRef, type FormEvent, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { useKiosk } from '../store.ts';
import { RefusalAlert } from './refusal-alert.tsx';

export function SignInForm({
  submitLabel,
  onSubmit,
  secretRef,
  children,
}: {
  submitLabel: string;
  onSubmit(): void;
  secretRef: RefObject<HTMLInputElement | null>;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const busy = useKiosk((s) => s.busy);
  const refusal = useKiosk((s) => s.refusal);
  const panelClosed = useKiosk((s) => s.panelClosed);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!refusal || !secretRef.current) return;
    if (refusal.reason === 'bad-credentials' || refusal.reason === 'rate-limited') {
      secretRef.current.value = '';
      secretRef.current.focus();
    }
  }, [refusal, secretRef]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy) onSubmit();
  };

  return (
    <form
      ref={form}
      className="sign-in"
      onSubmit={submit}
      noValidate
      onKeyDown={(e) => {
        if (e.key === 'Escape') panelClosed();
      }}
    >
      {children}
      <RefusalAlert />
      <div className="actions">
        <button type="submit" className="primary" aria-disabled={busy}>
          {busy ? t('common.working') : submitLabel}
        </button>
        <button type="button" className="secondary" onClick={panelClosed}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The name and secret fields both sign-in forms ask for: the secret is never kept in state. */
export function CredentialFields({
  idPrefix,
  usernameLabel,
  secretLabel,
  username,
  onUsername,
  secretRef,
}: {
  idPrefix: string;
  usernameLabel: string;
  secretLabel: string;
  username: string;
  onUsername(value: string): void;
  secretRef: RefObject<HTMLInputElement | null>;
}) {
  return (
    <>
      <div className="field">
        <label htmlFor={`${idPrefix}-username`}>{usernameLabel}</label>
        <input
          id={`${idPrefix}-username`}
          type="text"
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(e) => onUsername(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-secret`}>{secretLabel}</label>
        <input id={`${idPrefix}-secret`} ref={secretRef} type="password" autoComplete="off" />
      </div>
    </>
  );
}
