// Each screen's h1. It takes focus when the screen appears, so a screen reader announces the new
// screen and a keyboard user starts from its top; it also marks when the screen was first painted
// (`aup-screen-<name>`, read by bench/kiosk-paint.ts). `describedBy` names what a screen reader says
// after the heading when it takes focus: why the computer is locked, how long it stays open (a lock
// that comes back when time is up is heard with its reason, not as a bare "This computer is locked").
import { useEffect, useRef, type ReactNode } from 'react';

export function ScreenHeading({
  screen,
  children,
  className,
  describedBy,
}: {
  screen: string;
  children: ReactNode;
  className?: string;
  describedBy?: string;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
    const frame = requestAnimationFrame(() => performance.mark(`aup-screen-${screen}`));
    return () => cancelAnimationFrame(frame);
  }, [screen]);
  return (
    <h1 ref={ref} tabIndex={-1} className={className} id="screen-heading" aria-describedby={describedBy}>
      {children}
    </h1>
  );
}
