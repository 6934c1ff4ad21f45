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
