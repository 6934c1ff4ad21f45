// Why the kiosk said no, in plain words, announced at once (role=alert). The container stays in the
// page so assistive technology is already watching it when a refusal arrives. A wait (a lockout)
// counts down beside it on the kiosk's clock, in minutes while over a minute; the countdown is a
// timer outside the alert, so screen readers hear the wait once, when the refusal arrives, and not
// every second after.
import type { TFunction } from 'i18next';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useKioskNow } from '../kiosk-time.ts';
import { useKiosk } from '../store.ts';
import { WarningIcon } from './icons.tsx';

/** "Try again in 15 minutes." over a minute, "Try again in 40 seconds." under it. */
export function waitText(t: TFunction, seconds: number): string {
  return seconds >= 60 ? t('refusal.retryAfterMinutes', { count: Math.ceil(seconds / 60) }) : t('refusal.retryAfter', { count: seconds });
}

export function RefusalAlert() {
  const { t } = useTranslation();
  const refusal = useKiosk((s) => s.refusal);
  // The wrong PIN that starts a lockout says so, once: it did not match, and now sign-ins wait (not
  // "check them and try again" beside the wait).
  const nowLocked = refusal?.reason === 'bad-credentials' && refusal.retryAt !== undefined;
  const slot = useRef<HTMLDivElement>(null);
  // Where the screen is taller than the window (a 600-pixel netbook, 200 % zoom), the refusal is
  // brought into view: the button pressed is on screen, the answer below it must be too.
  useEffect(() => {
    if (refusal) slot.current?.scrollIntoView?.({ block: 'nearest' });
  }, [refusal]);
  return (
    <>
      <div role="alert" className="refusal-slot" ref={slot}>
        {refusal && (
          <p className="refusal" key={refusal.seq}>
            <WarningIcon />
            <span>
              {nowLocked
                ? t('refusal.bad-credentials-locked')
                : refusal.reason === 'too-long' && refusal.maxMinutes !== undefined
                  ? t('refusal.too-long-at-most', { count: refusal.maxMinutes })
                  : t(`refusal.${refusal.reason}`)}
              {refusal.retryAfterSeconds !== undefined && <span className="visually-hidden"> {waitText(t, refusal.retryAfterSeconds)}</span>}
            </span>
          </p>
        )}
      </div>
      {refusal?.retryAt !== undefined && <RetryCountdown key={refusal.seq} at={refusal.retryAt} />}
    </>
  );
}

/** The wait left, counted down on the kiosk's clock (role=timer: not announced as it changes). */
function RetryCountdown({ at }: { at: number }) {
  const { t } = useTranslation();
  const now = useKioskNow();
  const left = Math.ceil((at - now.getTime()) / 1000);
  return (
    <p role="timer" aria-live="off" className="refusal-retry">
      {left > 0 ? waitText(t, left) : t('refusal.retryNow')}
    </p>
  );
}
