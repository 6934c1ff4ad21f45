// What the kiosk tells a technician. Never a secret: callers pass usernames and reason codes only.
export type LogLevel = 'info' | 'warn' | 'error';

export interface KioskLog {
  write(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

/** One line per event on stderr (the preview and the CLI). The packaged app passes a rotating file log. */
export const stderrLog: KioskLog = {
  write(level, message, fields) {
    process.stderr.write(`${new Date().toISOString()} ${level} ${message}${fields ? ' ' + JSON.stringify(fields) : ''}\n`);
  },
};

/** Collects lines in memory (tests read them back to check that no secret was written). */
export class MemoryLog implements KioskLog {
  readonly lines: string[] = [];
  write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    this.lines.push(`${level} ${message}${fields ? ' ' + JSON.stringify(fields) : ''}`);
  }
}
