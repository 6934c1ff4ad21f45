// The sign-in forms over the lock screen (teacher unlock, administrator override, open the room) and
// over a room's unlocked screen (end class). After any refusal the secret is cleared (a PIN is never
// left in a form at a student's computer: with the administrator gone, a student could fix the minutes
// and send the override again under the administrator's name) and focus goes to the field the refusal
// names, else to the secret. Escape, wherever focus is on the screen, or Cancel goes back.
import { useEffect, useRef, type FormEvent, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { RefusalReason } from '../../electron/core/api/contract.ts';
import { useKiosk } from '../store.ts';
import { RefusalAlert } from './refusal-alert.tsx';
import { useEscape } from './use-escape.ts';

/** The field a refusal is about (the override's reason, its minutes), focused after that refusal. */
export type RefusalFields = Partial<Record<RefusalReason, RefObject<HTMLElement | null>>>;

export function SignInForm({
  submitLabel,
  onSubmit,
  secretRef,
  refusalFields,
  children,
}: {
  submitLabel: string;
  onSubmit(): void;
  secretRef: RefObject<HTMLInputElement | null>;
  refusalFields?: RefusalFields;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const busy = useKiosk((s) => s.busy);
  const refusal = useKiosk((s) => s.refusal);
  const panelClosed = useKiosk((s) => s.panelClosed);
  const form = useRef<HTMLFormElement>(null);
  const fields = useRef(refusalFields);
  fields.current = refusalFields;

  useEffect(() => {
    if (!refusal || !secretRef.current) return;
    secretRef.current.value = '';
    (fields.current?.[refusal.reason]?.current ?? secretRef.current).focus();
  }, [refusal, secretRef]);

  // The form opens with its heading focused: Escape closes it from there too (and from the language switch).
  useEscape(panelClosed);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!busy) onSubmit();
  };

  return (
    <form ref={form} className="sign-in" onSubmit={submit} noValidate>
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
