// Small inline icons (no network assets; `currentColor` keeps them visible in forced-colors mode).
// Each is decorative: the text next to it carries the meaning.
import type { ReactElement } from 'react';

const svg = (path: ReactElement, className = 'icon') => (
  <svg className={className} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    {path}
  </svg>
);

export const LockIcon = ({ className }: { className?: string }) =>
  svg(
    <path
      fill="currentColor"
      d="M12 1.5a5.5 5.5 0 0 0-5.5 5.5v3H5.25A1.75 1.75 0 0 0 3.5 11.75v9A1.75 1.75 0 0 0 5.25 22.5h13.5a1.75 1.75 0 0 0 1.75-1.75v-9A1.75 1.75 0 0 0 18.75 10H17.5V7A5.5 5.5 0 0 0 12 1.5Zm-3.5 5.5a3.5 3.5 0 1 1 7 0v3h-7V7Zm3.5 6.5a1.75 1.75 0 0 1 1 3.19V19h-2v-2.31a1.75 1.75 0 0 1 1-3.19Z"
    />,
    className,
  );

export const UnlockIcon = ({ className }: { className?: string }) =>
  svg(
    <path
      fill="currentColor"
      d="M12 1.5A5.5 5.5 0 0 0 6.5 7h2a3.5 3.5 0 1 1 7 0v3H5.25A1.75 1.75 0 0 0 3.5 11.75v9A1.75 1.75 0 0 0 5.25 22.5h13.5a1.75 1.75 0 0 0 1.75-1.75v-9A1.75 1.75 0 0 0 18.75 10H17.5V7A5.5 5.5 0 0 0 12 1.5Zm0 12a1.75 1.75 0 0 1 1 3.19V19h-2v-2.31a1.75 1.75 0 0 1 1-3.19Z"
    />,
    className,
  );

export const GlobeIcon = () =>
  svg(
    <path
      fill="currentColor"
      d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm6.93 6h-2.95a15.7 15.7 0 0 0-1.38-3.56A8.03 8.03 0 0 1 18.93 8ZM12 4.04c.83 1.2 1.48 2.53 1.91 3.96h-3.82c.43-1.43 1.08-2.76 1.91-3.96ZM4.26 14a8.2 8.2 0 0 1 0-4h3.38a16.5 16.5 0 0 0 0 4H4.26Zm.81 2h2.95c.32 1.25.78 2.45 1.38 3.56A8 8 0 0 1 5.07 16Zm2.95-8H5.07A8 8 0 0 1 9.4 4.44 15.7 15.7 0 0 0 8.02 8ZM12 19.96c-.83-1.2-1.48-2.53-1.91-3.96h3.82c-.43 1.43-1.08 2.76-1.91 3.96ZM14.34 14H9.66a14.7 14.7 0 0 1 0-4h4.68a14.7 14.7 0 0 1 0 4Zm.26 5.56c.6-1.11 1.06-2.31 1.38-3.56h2.95a8.03 8.03 0 0 1-4.33 3.56ZM16.36 14a16.5 16.5 0 0 0 0-4h3.38a8.2 8.2 0 0 1 0 4h-3.38Z"
    />,
  );

export const SpeakerIcon = () =>
  svg(
    <path
      fill="currentColor"
      d="M3 9v6h4l5 5V4L7 9H3Zm13.5 3A4.5 4.5 0 0 0 14 7.97v8.05A4.47 4.47 0 0 0 16.5 12ZM14 3.23v2.06a7 7 0 0 1 0 13.42v2.06a9 9 0 0 0 0-17.54Z"
    />,
  );

export const ShieldIcon = () =>
  svg(
    <path
      fill="currentColor"
      d="M12 1 3 5v6c0 5.55 3.84 10.74 9 12 5.16-1.26 9-6.45 9-12V5l-9-4Zm-1.2 15.2-3.9-3.9 1.4-1.4 2.5 2.5 5.6-5.6 1.4 1.4-7 7Z"
    />,
  );

export const WarningIcon = ({ className }: { className?: string }) =>
  svg(<path fill="currentColor" d="M1 21h22L12 2 1 21Zm12-3h-2v-2h2v2Zm0-4h-2v-4h2v4Z" />, className);

export const CheckIcon = ({ className }: { className?: string }) =>
  svg(<path fill="currentColor" d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm-2 15-5-5 1.41-1.41L10 14.17l7.59-7.59L19 8l-9 9Z" />, className);

export const DocumentIcon = () =>
  svg(
    <path fill="currentColor" d="M6 2a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8l-6-6H6Zm7 1.5L18.5 9H13V3.5ZM8 12h8v2H8v-2Zm0 4h8v2H8v-2Z" />,
  );
