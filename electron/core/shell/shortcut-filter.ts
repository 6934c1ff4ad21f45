// Which keys the kiosk swallows before its page sees them: the ones that would close, quit, reload,
// zoom, open developer tools, hide the window or switch away. Everything else passes: the page
// needs typing, Tab, arrows, Escape, copy and paste (a teacher pastes nothing, but a name is typed).
//
// Some combinations never reach an app because the OS takes them first (Ctrl+Alt+Del, Alt+Tab on
// Windows, the Windows key). They are listed in OS_RESERVED with the OS policy that covers each,
// and docs/deployment.md names them (a test keeps the two in step).

/** The fields of Electron's `Input` (before-input-event) that the decision reads. */
export interface KeyInput {
  type: string;
  key: string;
  code: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

export type SwallowReason = 'close' | 'quit' | 'reload' | 'devtools' | 'zoom' | 'switch-away' | 'fullscreen' | 'browser';

export type ShortcutDecision = { action: 'pass' } | { action: 'swallow'; because: SwallowReason };

const PASS: ShortcutDecision = { action: 'pass' };
const swallow = (because: SwallowReason): ShortcutDecision => ({ action: 'swallow', because });

/** The letter a key stands for: the layout's character, or (when that is not a letter) the physical key. */
function lettersOf(input: KeyInput): Set<string> {
  const letters = new Set<string>();
  if (/^[a-z]$/i.test(input.key)) letters.add(input.key.toLowerCase());
  const physical = /^Key([A-Z])$/.exec(input.code);
  if (physical) letters.add(physical[1]!.toLowerCase());
  return letters;
}

const ZOOM_KEYS = new Set(['+', '=', '-', '_', '0']);
const ZOOM_CODES = new Set(['Equal', 'Minus', 'Digit0', 'NumpadAdd', 'NumpadSubtract', 'Numpad0']);
const BROWSER_KEYS = new Set(['BrowserBack', 'BrowserForward', 'BrowserRefresh', 'BrowserHome', 'BrowserSearch', 'BrowserFavorites', 'BrowserStop']);

/** Letters that, with Ctrl (Cmd on macOS), close, quit, reload or open browser windows and dialogs. */
const PRIMARY_LETTERS: Record<string, SwallowReason> = {
  w: 'close',
  q: 'quit',
  r: 'reload',
  n: 'browser', // new window
  t: 'browser', // new tab
  o: 'browser', // open file
  s: 'browser', // save page
  p: 'browser', // print
  l: 'browser', // location bar
  j: 'browser', // downloads
  u: 'browser', // view source
};
/** macOS: Cmd+H hides the app, Cmd+M minimises it, Cmd+, opens settings, Cmd+` cycles windows. */
const MAC_LETTERS: Record<string, SwallowReason> = { h: 'switch-away', m: 'switch-away' };

/** `devtools`: let the developer-tools keys through (a development build; never a packaged one). */
export function filterShortcut(input: KeyInput, platform: NodeJS.Platform, options: { devtools?: boolean } = {}): ShortcutDecision {
  const decision = decide(input, platform);
  return options.devtools && decision.action === 'swallow' && decision.because === 'devtools' ? PASS : decision;
}

function decide(input: KeyInput, platform: NodeJS.Platform): ShortcutDecision {
  if (input.type === 'char') return PASS;
  const mac = platform === 'darwin';
  const primary = mac ? input.meta : input.control;
  const { key, code } = input;

  if (BROWSER_KEYS.has(key) || BROWSER_KEYS.has(code)) return swallow('browser');
  if (key === 'F5' || code === 'F5') return swallow('reload');
  if (key === 'F12' || code === 'F12') return swallow('devtools');
  if (key === 'F11' || code === 'F11') return swallow('fullscreen');
  if ((key === 'F4' || code === 'F4') && (input.alt || input.control)) return swallow('close');

  if (mac) {
    if (!input.meta) return PASS;
    const letters = lettersOf(input);
    // Cmd+Option+I/J/C: developer tools. Option changes the character, so the physical key decides.
    if (input.alt && ['i', 'j', 'c'].some((l) => letters.has(l))) return swallow('devtools');
    if (input.alt && letters.has('h')) return swallow('switch-away'); // hide others
    if (input.alt && (key === 'Escape' || code === 'Escape')) return swallow('quit'); // force quit, if it ever gets here
    if (input.control && letters.has('f')) return swallow('fullscreen');
    if (key === 'Tab' || code === 'Tab' || key === '`' || code === 'Backquote') return swallow('switch-away');
    if (key === ',' || code === 'Comma') return swallow('browser');
    if (input.shift && ['i', 'j', 'c'].some((l) => letters.has(l))) return swallow('devtools');
    for (const l of letters) {
      const reason = MAC_LETTERS[l] ?? PRIMARY_LETTERS[l];
      if (reason) return swallow(reason);
    }
    if (ZOOM_KEYS.has(key) || ZOOM_CODES.has(code)) return swallow('zoom');
    // Cmd+[ and Cmd+] go back and forward. (Cmd+arrows move the caret in a text field: they pass.)
    if (key === '[' || key === ']') return swallow('browser');
    return PASS;
  }

  // Windows and Linux. Ctrl+Alt together is AltGr on many European layouts, which types @, € or {:
  // that is text, never a shortcut the kiosk must stop (Ctrl+Alt+Del never reaches an app).
  if (input.control && input.alt) return PASS;
  if (input.alt) {
    if (key === 'Tab' || code === 'Tab' || key === 'Escape' || code === 'Escape') return swallow('switch-away');
    if (key === ' ' || code === 'Space') return swallow('close'); // the window menu (Close, Move, Minimise)
    if (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home') return swallow('browser'); // history, home page
    return PASS;
  }
  if (input.meta) return swallow('switch-away'); // the Windows or Super key, where it reaches the app at all
  if (!primary) return PASS;
  const letters = lettersOf(input);
  if (input.shift && ['i', 'j', 'c'].some((l) => letters.has(l))) return swallow('devtools');
  if (key === 'Tab' || code === 'Tab' || key === 'PageUp' || key === 'PageDown') return swallow('browser'); // tab switching
  if (key === 'Escape' || code === 'Escape') return swallow('switch-away'); // Ctrl+Esc opens the Start menu
  for (const l of letters) {
    const reason = PRIMARY_LETTERS[l];
    if (reason) return swallow(reason);
  }
  if (ZOOM_KEYS.has(key) || ZOOM_CODES.has(code)) return swallow('zoom');
  return PASS;
}

export interface ReservedShortcut {
  /** As a person would write it (the deployment guide uses the same words). */
  keys: string;
  what: string;
  /** The OS policy that covers it, named in docs/deployment.md. */
  coveredBy: string;
  /**
   * Windows: the Keyboard Filter predefined keys (WEKF_PredefinedKey Ids) that block it for standard
   * accounts; build/windows/keyboard-filter.ps1 blocks exactly these (a test keeps them the same).
   */
  keyboardFilter?: string[];
}

/** What the OS keeps for itself: no app can swallow these. */
export const OS_RESERVED: Record<'win32' | 'darwin' | 'linux', ReservedShortcut[]> = {
  win32: [
    {
      keys: 'Ctrl+Alt+Del',
      what: 'the secure attention screen (Task Manager, sign out, switch user)',
      coveredBy: 'Keyboard Filter',
      keyboardFilter: ['Ctrl+Alt+Del'],
    },
    { keys: 'Ctrl+Shift+Esc', what: 'Task Manager', coveredBy: 'DisableTaskMgr', keyboardFilter: ['Shift+Ctrl+Esc'] },
    { keys: 'Alt+Tab', what: 'switching to another app', coveredBy: 'Shell Launcher', keyboardFilter: ['Alt+Tab'] },
    // NoWinKeys turns off Win+<letter> hotkeys only: the Windows key alone still opens Start, and Win+L still locks.
    {
      keys: 'Windows key',
      what: 'Start, Win+D (desktop), Win+R (Run), Win+Tab',
      coveredBy: 'Keyboard Filter',
      keyboardFilter: ['Windows', 'Win+D', 'Win+R', 'Win+Tab'],
    },
    { keys: 'Win+L', what: 'locks the PC, leaving the session signed in', coveredBy: 'DisableLockWorkstation', keyboardFilter: ['Win+L'] },
    { keys: 'Ctrl+Esc', what: 'the Start menu', coveredBy: 'Keyboard Filter', keyboardFilter: ['Ctrl+Esc'] },
  ],
  darwin: [
    { keys: 'Cmd+Option+Esc', what: 'the Force Quit window', coveredBy: 'kiosk presentation options' },
    { keys: 'Cmd+Tab', what: 'switching to another app', coveredBy: 'kiosk presentation options' },
    { keys: 'Cmd+Space', what: 'Spotlight, which opens other apps', coveredBy: 'com.apple.symbolichotkeys' },
    { keys: 'Power button', what: 'restart, shut down, log out', coveredBy: 'kiosk presentation options' },
  ],
  linux: [
    { keys: 'Ctrl+Alt+F1', what: 'switching to a text console (F1 to F12)', coveredBy: 'DontVTSwitch' },
    { keys: 'Ctrl+Alt+Backspace', what: 'killing the X server', coveredBy: 'DontZap' },
    { keys: 'Super key', what: 'the desktop overview and app launcher', coveredBy: 'the desktop environment' },
  ],
};
