// Escape goes back, wherever focus is on the screen (its heading takes focus when it appears): a
// sign-in form back to the screen under it, a document opened again to read back to where it was
// opened from. Not on a screen that has nowhere to go back to (the policy to accept, the rules to
// acknowledge).
import { useEffect, useRef } from 'react';

export function useEscape(back: (() => void) | null): void {
  const current = useRef(back);
  current.current = back;
  const active = back !== null;
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) current.current?.();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [active]);
}
