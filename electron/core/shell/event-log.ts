// The Windows Event Log, beside the log files: what a technician searches first (Event Viewer,
// `Get-WinEvent`, a SIEM collecting the Application log). Only four kinds of event go there, each with
// an id of its own, from both the machine service and the screens:
//   start          the kiosk starting in a session, the machine service started / stopped
//   config errors  the machine config (or its folders) has problems: the machine opens nothing
//   refusals       a sign-in, unlock, room opening or local-channel connection refused
//   service state  the screens losing or finding the machine service
// Written with eventcreate.exe (System32, every Windows since XP): no PowerShell, so it works under
// WDAC/AppLocker script enforcement (Constrained Language Mode), and no native add-on. The source
// "AUP Kiosk" is registered by its first event, written by the machine service as SYSTEM; standard
// users' screens then write to it. Never a secret: the text is the log line's, redacted the same way.
// Untested on Windows itself: the tests check the entries it would write and the wiring.
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { KioskLog, LogLevel } from '../log.ts';
import { redact } from './log-file.ts';

export const EVENT_SOURCE = 'AUP Kiosk';
export type EventKind = 'start' | 'config' | 'refusal' | 'service';
export type EventType = 'INFORMATION' | 'WARNING' | 'ERROR';

/** What goes to the Event Log: the log message that makes it, its id (eventcreate takes 1 to 1000) and kind. */
export const WINDOWS_EVENTS: Readonly<Record<string, { id: number; kind: EventKind }>> = {
  'AUP Kiosk starting': { id: 100, kind: 'start' },
  'machine service started': { id: 110, kind: 'service' },
  'machine service stopped': { id: 111, kind: 'service' },
  // the screens' view of the service: connected, or lost (the screens stay covered)
  'machine service': { id: 120, kind: 'service' },
  'the machine service opens nothing until its config and folders are right': { id: 200, kind: 'config' },
  'config has problems': { id: 201, kind: 'config' },
  refused: { id: 300, kind: 'refusal' },
  'failed sign-in': { id: 301, kind: 'refusal' },
  'unlock refused': { id: 302, kind: 'refusal' },
  'room opening refused': { id: 303, kind: 'refusal' },
  'local channel: connection refused': { id: 304, kind: 'refusal' },
};

export interface EventEntry {
  source: string;
  id: number;
  type: EventType;
  text: string;
}

const TYPES: Record<LogLevel, EventType> = { info: 'INFORMATION', warn: 'WARNING', error: 'ERROR' };
/** The Event Log shows the text in a box; a config's full problem list still fits. */
export const EVENT_TEXT_MAX = 2000;

/** The Event Log entry a log line makes, or null for a line that stays in the file only. */
export function eventFor(level: LogLevel, message: string, fields?: Record<string, unknown>): EventEntry | null {
  const event = WINDOWS_EVENTS[message];
  if (!event) return null;
  const detail = fields ? ` ${JSON.stringify(redact(fields))}` : '';
  // One line, no double quotes (eventcreate's own argument parsing), no control characters.
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  let text = `${message}${detail}`.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/"/g, "'");
  if (text.length > EVENT_TEXT_MAX) text = `${text.slice(0, EVENT_TEXT_MAX - 1)}…`;
  return { source: EVENT_SOURCE, id: event.id, type: TYPES[level], text };
}

/** eventcreate's arguments for an entry (the Application log). */
export function eventcreateArgs(entry: EventEntry): string[] {
  return ['/L', 'APPLICATION', '/SO', entry.source, '/T', entry.type, '/ID', String(entry.id), '/D', entry.text];
}

export type EventWriter = (entry: EventEntry) => Promise<void>;

/** eventcreate.exe from System32 (`systemRoot` from the registry for the service, never a user's environment). */
export function eventcreateWriter(systemRoot: string): EventWriter {
  const exe = path.win32.join(systemRoot, 'System32', 'eventcreate.exe');
  return (entry) =>
    new Promise((resolve, reject) => {
      execFile(exe, eventcreateArgs(entry), { windowsHide: true, timeout: 10_000 }, (error) => (error ? reject(error) : resolve()));
    });
}

/**
 * A log that also writes the four kinds of event to the Event Log. Entries are written one at a time,
 * in order; a burst (a guessing student) beyond `maxPending` is counted, not queued, and the file log
 * says how many were left out. A failing eventcreate is said once in the file log, never thrown.
 */
export class WindowsEventLog implements KioskLog {
  readonly #inner: KioskLog;
  readonly #writer: EventWriter;
  readonly #maxPending: number;
  #pending = 0;
  #dropped = 0;
  #failed = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(inner: KioskLog, writer: EventWriter, options: { maxPending?: number } = {}) {
    this.#inner = inner;
    this.#writer = writer;
    this.#maxPending = options.maxPending ?? 20;
  }

  write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    this.#inner.write(level, message, fields);
    const entry = eventFor(level, message, fields);
    if (!entry) return;
    if (this.#pending >= this.#maxPending) {
      this.#dropped++;
      return;
    }
    this.#pending++;
    this.#chain = this.#chain.then(async () => {
      try {
        await this.#writer(entry);
      } catch (error) {
        if (!this.#failed) this.#inner.write('warn', 'cannot write to the Windows Event Log', { error: (error as Error).message });
        this.#failed = true;
      } finally {
        this.#pending--;
        if (this.#pending === 0 && this.#dropped > 0) {
          this.#inner.write('warn', 'Windows Event Log: events left out of a burst (all are in this file)', { count: this.#dropped });
          this.#dropped = 0;
        }
      }
    });
  }

  /** Resolves once every entry accepted so far has been written (or has failed). */
  flushed(): Promise<void> {
    return this.#chain;
  }

  close(): void {
    (this.#inner as { close?: () => void }).close?.();
  }
}

/** Where Windows is when the registry was not read (the screens): never a user's %SystemRoot%. */
export const DEFAULT_SYSTEM_ROOT = 'C:\\Windows';

/**
 * On Windows, `log` with the Event Log beside it; elsewhere `log` itself. `systemRoot`: the registry's
 * (machine/folders.ts readSystemValues), not the environment, which a user can redefine for their account.
 */
export function withWindowsEventLog<T extends KioskLog & { close?: () => void }>(
  log: T,
  options: { platform: NodeJS.Platform; systemRoot?: string | undefined; writer?: EventWriter },
): T | WindowsEventLog {
  if (options.platform !== 'win32') return log;
  return new WindowsEventLog(log, options.writer ?? eventcreateWriter(options.systemRoot ?? DEFAULT_SYSTEM_ROOT));
}
