/**
 * Pipeliner's dates: stored in UTC with microseconds and written `2019-02-01 07:41:49.529970+00:00`
 * (https://developers.pipelinersales.com/api-docs/core-api-concepts/dates). A `Timezone: America/Chicago`
 * request header converts them to that zone's offset.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The zone's offset from UTC in minutes at an instant, or undefined for an unknown zone name. */
function offsetMinutes(epochMs: number, timeZone: string): number | undefined {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(epochMs));
  } catch {
    return undefined;
  }
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/** Microseconds since the epoch → Pipeliner's text, in UTC or in `timeZone` (an unknown zone is ignored). */
export function formatPipelinerDate(micros: number, timeZone?: string): string {
  const ms = Math.floor(micros / 1000);
  const offset = (timeZone && offsetMinutes(ms, timeZone)) || 0;
  const local = new Date(ms + offset * 60_000);
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const fraction = pad(((micros % 1_000_000) + 1_000_000) % 1_000_000, 6);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${date} ${time}.${fraction}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,6})\d*)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A filter value read as microseconds since the epoch (no zone = UTC), or undefined when unreadable. */
export function parsePipelinerDate(text: string): number | undefined {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const zone = m[4]
    ? m[4].toUpperCase() === 'Z'
      ? 'Z'
      : m[4].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')
    : 'Z';
  const ms = Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${zone}`);
  if (!Number.isFinite(ms)) return undefined;
  return ms * 1000 + Number((m[3] ?? '').padEnd(6, '0'));
}
