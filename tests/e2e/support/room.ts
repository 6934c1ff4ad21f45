// The room preview (issue 11): the demo kiosk of Lockhart High School, Lab 204, on a throwaway district
// database (scripts/preview-district.mjs starts PostgreSQL, runs the real `aup db migrate`, adds
// `central.postgres` to this config). Its pages are several students' sessions of the same room.
// Room grants follow the database's clock, so this kiosk runs on the real clock too, and its bell
// schedule has a period around the time of the run. Imported by playwright.config.ts and the room
// spec: the config is written once per run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, ROOM_PORT, RUN_DIR } from './run.ts';

export { ROOM_PORT };
export const ROOM_URL = `http://127.0.0.1:${ROOM_PORT}`;
export const ROOM_CONFIG_FILE = path.join(RUN_DIR, 'room-config.json');

interface Period {
  name: string;
  days: string[];
  start: string;
  end: string;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The period the run falls in: from 10 minutes ago to 90 minutes on (or to 23:59), every day, in the district's zone. */
function periodAroundNow(timeZone: string): Period {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(new Date());
  const at = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const now = at('hour') * 60 + at('minute');
  return {
    name: 'Lab period',
    days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    start: hhmm(Math.max(0, now - 10)),
    end: hhmm(Math.min(23 * 60 + 59, now + 90)),
  };
}

function prepare(): Period {
  if (!existsSync(ROOM_CONFIG_FILE)) {
    const config = JSON.parse(readFileSync(CONFIG_FILE, 'utf8')) as { district: { timeZone: string }; lock: object; [key: string]: unknown };
    const room = {
      ...config,
      lock: { ...config.lock, bellSchedule: [periodAroundNow(config.district.timeZone)] },
      ledger: { dir: path.join(RUN_DIR, 'room-ledger') },
      state: { dir: path.join(RUN_DIR, 'room-state') },
    };
    writeFileSync(ROOM_CONFIG_FILE, JSON.stringify(room, null, 2));
  }
  const written = JSON.parse(readFileSync(ROOM_CONFIG_FILE, 'utf8')) as { lock: { bellSchedule: Period[] } };
  return written.lock.bellSchedule[0]!;
}

/** The bell period of this run. */
export const PERIOD = prepare();

/** The period's end as the kiosk says it in English ("10:35 AM"; ICU may put a narrow space before AM). */
export function periodEndPattern(): RegExp {
  const [h, m] = PERIOD.end.split(':').map(Number) as [number, number];
  const text = `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, '0')}`;
  return new RegExp(`${text}\\s?${h < 12 ? 'AM' : 'PM'}`);
}
