// The page's first script, a small one: the styles (so the lock shell in index.html is painted
// styled), then, once the shell's frame is on screen, the renderer itself (main.tsx: React, the
// strings, the screens). Not preloaded: fetching and compiling it alongside delayed the shell's
// first paint (bench/kiosk-paint.ts). A hidden page has no frames to wait for (Electron may load the
// kiosk page before it shows it).
import './styles.css';

const start = () => void import('./main.tsx');
if (document.visibilityState === 'visible' && document.querySelector('[data-lock-shell]')) requestAnimationFrame(() => setTimeout(start));
else start();
