import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OS_RESERVED, filterShortcut, type KeyInput } from '../../../electron/core/shell/shortcut-filter.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');

/** A key press as Electron's before-input-event reports it; `combo` like "Ctrl+Shift+I". */
function press(combo: string, extra: Partial<KeyInput> = {}): KeyInput {
  const parts = combo.endsWith('++') ? [...combo.slice(0, -2).split('+'), '+'] : combo.split('+');
  const key = parts.pop()!;
  const mods = new Set(parts.map((p) => p.toLowerCase()));
  const code = /^[A-Za-z]$/.test(key)
    ? `Key${key.toUpperCase()}`
    : /^\d$/.test(key)
      ? `Digit${key}`
      : ((
          { '=': 'Equal', '-': 'Minus', '+': 'Equal', ' ': 'Space', Tab: 'Tab', Escape: 'Escape', '`': 'Backquote', ',': 'Comma' } as Record<
            string,
            string
          >
        )[key] ?? key);
  return {
    type: 'keyDown',
    key: /^[A-Za-z]$/.test(key) ? (mods.has('shift') ? key.toUpperCase() : key.toLowerCase()) : key,
    code,
    control: mods.has('ctrl'),
    meta: mods.has('cmd') || mods.has('meta') || mods.has('win'),
    alt: mods.has('alt') || mods.has('option'),
    shift: mods.has('shift'),
    ...extra,
  };
}
const decide = (combo: string, platform: NodeJS.Platform, extra?: Partial<KeyInput>) => filterShortcut(press(combo, extra), platform);
const swallowed = (combo: string, platform: NodeJS.Platform, extra?: Partial<KeyInput>) => decide(combo, platform, extra).action === 'swallow';

describe('keys the kiosk swallows', () => {
  it.each([
    ['Alt+F4', 'close'],
    ['Ctrl+F4', 'close'],
    ['Ctrl+W', 'close'],
    ['Ctrl+Q', 'quit'],
    ['Ctrl+R', 'reload'],
    ['Ctrl+Shift+R', 'reload'],
    ['F5', 'reload'],
    ['Ctrl+F5', 'reload'],
    ['F12', 'devtools'],
    ['Ctrl+Shift+I', 'devtools'],
    ['Ctrl+Shift+J', 'devtools'],
    ['Ctrl+Shift+C', 'devtools'],
    ['Ctrl+=', 'zoom'],
    ['Ctrl++', 'zoom'],
    ['Ctrl+-', 'zoom'],
    ['Ctrl+0', 'zoom'],
    ['F11', 'fullscreen'],
    ['Alt+Tab', 'switch-away'],
    ['Alt+Escape', 'switch-away'],
    ['Ctrl+Escape', 'switch-away'],
    ['Alt+ ', 'close'],
    ['Alt+ArrowLeft', 'browser'],
    ['Ctrl+N', 'browser'],
    ['Ctrl+P', 'browser'],
  ])('Windows and Linux: %s (%s)', (combo, because) => {
    for (const platform of ['win32', 'linux'] as const) expect(decide(combo, platform)).toEqual({ action: 'swallow', because });
  });

  it.each([
    ['Cmd+Q', 'quit'],
    ['Cmd+W', 'close'],
    ['Cmd+R', 'reload'],
    ['Cmd+Shift+R', 'reload'],
    ['Cmd+Option+I', 'devtools'],
    ['Cmd+Option+J', 'devtools'],
    ['Cmd+H', 'switch-away'],
    ['Cmd+Option+H', 'switch-away'],
    ['Cmd+M', 'switch-away'],
    ['Cmd+Tab', 'switch-away'],
    ['Cmd+`', 'switch-away'],
    ['Cmd+Ctrl+F', 'fullscreen'],
    ['Cmd+=', 'zoom'],
    ['Cmd+-', 'zoom'],
    ['Cmd+0', 'zoom'],
    ['Cmd+,', 'browser'],
    ['F12', 'devtools'],
  ])('macOS: %s (%s)', (combo, because) => {
    expect(decide(combo, 'darwin')).toEqual({ action: 'swallow', because });
  });

  it('on macOS Option changes the character: Cmd+Option+I is still devtools by its physical key', () => {
    expect(decide('Cmd+Option+I', 'darwin', { key: 'ˆ' })).toEqual({ action: 'swallow', because: 'devtools' });
  });

  it('a layout that puts the letter elsewhere (AZERTY Ctrl+W on the Z key) is still caught by the character', () => {
    expect(decide('Ctrl+W', 'win32', { code: 'KeyZ' })).toEqual({ action: 'swallow', because: 'close' });
  });

  it("the browser's own keys (Back, Refresh) are swallowed", () => {
    expect(filterShortcut({ ...press('a'), key: 'BrowserRefresh', code: 'BrowserRefresh' }, 'win32').action).toBe('swallow');
    expect(filterShortcut({ ...press('a'), key: 'BrowserBack', code: 'BrowserBack' }, 'darwin').action).toBe('swallow');
  });
});

describe('keys that pass: the page needs them', () => {
  it.each([
    'a',
    'Shift+A',
    'Tab',
    'Shift+Tab',
    'Enter',
    'Escape',
    ' ',
    'ArrowDown',
    'Backspace',
    '7',
    'Ctrl+C',
    'Ctrl+V',
    'Ctrl+X',
    'Ctrl+A',
    'Ctrl+Z',
    'Ctrl+ArrowLeft',
    'Shift+End',
  ])('Windows and Linux: %s', (combo) => {
    for (const platform of ['win32', 'linux'] as const) expect(decide(combo, platform)).toEqual({ action: 'pass' });
  });

  it.each(['a', 'Tab', 'Escape', 'Cmd+C', 'Cmd+V', 'Cmd+A', 'Cmd+Z', 'Cmd+ArrowLeft', 'Option+E', 'Ctrl+R'])('macOS: %s', (combo) => {
    expect(decide(combo, 'darwin')).toEqual({ action: 'pass' });
  });

  it('AltGr (Ctrl+Alt) types @, € and { on European layouts: never swallowed, even on a letter key', () => {
    expect(decide('Ctrl+Alt+Q', 'win32', { key: '@' })).toEqual({ action: 'pass' }); // German @
    expect(decide('Ctrl+Alt+E', 'win32', { key: '€' })).toEqual({ action: 'pass' });
    expect(decide('Ctrl+Alt+7', 'linux', { key: '{' })).toEqual({ action: 'pass' });
  });

  it('plain typing never triggers a swallow, on any platform', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 1 }),
        fc.boolean(),
        fc.constantFrom<NodeJS.Platform>('win32', 'darwin', 'linux'),
        (ch, shift, platform) => {
          expect(filterShortcut({ type: 'keyDown', key: ch, code: 'KeyA', control: false, meta: false, alt: false, shift }, platform)).toEqual({
            action: 'pass',
          });
        },
      ),
    );
  });

  it('a development build lets the developer-tools keys through, and only those', () => {
    expect(filterShortcut(press('F12'), 'win32', { devtools: true })).toEqual({ action: 'pass' });
    expect(filterShortcut(press('Cmd+Option+I'), 'darwin', { devtools: true })).toEqual({ action: 'pass' });
    expect(filterShortcut(press('Ctrl+R'), 'linux', { devtools: true })).toEqual({ action: 'swallow', because: 'reload' });
    expect(filterShortcut(press('F12'), 'win32')).toEqual({ action: 'swallow', because: 'devtools' });
  });

  it('typed characters (char events) always pass', () => {
    expect(swallowed('Ctrl+W', 'win32', { type: 'char' })).toBe(false);
  });
});

describe('what only the OS can block', () => {
  const guide = readFileSync(path.join(REPO, 'docs/deployment.md'), 'utf8');
  for (const [platform, reserved] of Object.entries(OS_RESERVED)) {
    for (const r of reserved) {
      it(`${platform}: ${r.keys} is named in docs/deployment.md with what covers it (${r.coveredBy})`, () => {
        expect(guide).toContain(r.keys);
        expect(guide).toContain(r.coveredBy);
      });
    }
  }
});
