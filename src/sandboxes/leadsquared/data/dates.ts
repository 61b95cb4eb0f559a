/**
 * LeadSquared date-times are UTC `YYYY-MM-DD HH:MM:SS`. The sandbox keeps them as epoch seconds
 * (compact typed arrays) and formats on output with a hand-rolled civil-date conversion, which is
 * several times faster than `new Date().toISOString()` when streaming a million users.
 */

/** Generated data is anchored here rather than to the wall clock, so a seed always gives the same data. */
export const DATA_ANCHOR = Date.UTC(2025, 5, 1) / 1000;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** Days since 1970-01-01 → [year, month 1-12, day 1-31] (Howard Hinnant's civil_from_days). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

let cachedDay = -1;
let cachedDayText = '';

/** `YYYY-MM-DD` for the day containing `epochSeconds`. */
export function formatLsqDate(epochSeconds: number): string {
  const day = Math.floor(epochSeconds / 86400);
  if (day === cachedDay) return cachedDayText;
  const [y, m, d] = civilFromDays(day);
  cachedDay = day;
  cachedDayText = `${y}-${pad2(m)}-${pad2(d)}`;
  return cachedDayText;
}

function timeOfDay(epochSeconds: number): [number, number, number] {
  const secs = epochSeconds - Math.floor(epochSeconds / 86400) * 86400;
  return [Math.floor(secs / 3600), Math.floor((secs % 3600) / 60), secs % 60];
}

/** `YYYY-MM-DD HH:MM:SS`, UTC. */
export function formatLsqDateTime(epochSeconds: number): string {
  const [h, mi, s] = timeOfDay(epochSeconds);
  return `${formatLsqDate(epochSeconds)} ${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
}

/** Check-Out's ResponseText prints the hour unpadded (`2017-10-31 9:55:10`), unlike everything else. */
export function formatUnpaddedHourDateTime(epochSeconds: number): string {
  const [h, mi, s] = timeOfDay(epochSeconds);
  return `${formatLsqDate(epochSeconds)} ${h}:${pad2(mi)}:${pad2(s)}`;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function validEpoch(y: number, mo: number, d: number, h: number, mi: number, s: number): number | undefined {
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return ms / 1000;
}

/** Parses `YYYY-MM-DD HH:MM:SS` (UTC) to epoch seconds; `undefined` when malformed. */
export function parseLsqDateTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  return validEpoch(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]);
}

/** Parses `yyyy-MM-dd` to the epoch second at the start of that UTC day. */
export function parseLsqDate(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = DATE_ONLY.exec(text.trim());
  if (!m) return undefined;
  return validEpoch(+m[1], +m[2], +m[3], 0, 0, 0);
}
