/**
 * Vendors' dates → ISO 8601 UTC (`2024-01-31T09:30:00.000Z`), the unified API's only date format. Never
 * guesses: an empty or unreadable value is null.
 */

/** Milliseconds since the epoch from a number: seconds below 10^11 (until the year 5138), else milliseconds. */
function fromEpoch(value: number): number {
  return Math.abs(value) < 1e11 ? value * 1000 : value;
}

/**
 * Any of: an ISO 8601 date-time with `Z` or an offset; a date-time without a zone, read in
 * `assumeOffsetMinutes` (default UTC, i.e. 0); a date only (midnight UTC); epoch seconds or milliseconds
 * (number or digits); .NET `/Date(1700000000000)/`.
 */
export function isoUtc(value: unknown, assumeOffsetMinutes = 0): string | null {
  if (value === null || value === undefined || value === '') return null;
  let ms: number;
  if (typeof value === 'number') {
    ms = fromEpoch(value);
  } else if (typeof value === 'string') {
    const text = value.trim();
    const dotnet = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(text);
    if (dotnet) ms = Number(dotnet[1]);
    else if (/^-?\d{9,13}$/.test(text)) ms = fromEpoch(Number(text));
    else if (/^\d{4}-\d{2}-\d{2}$/.test(text)) ms = Date.parse(`${text}T00:00:00Z`);
    else {
      const normalised = text.replace(' ', 'T');
      const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(normalised);
      ms = Date.parse(zoned ? normalised : `${normalised}Z`);
      if (!zoned && Number.isFinite(ms)) ms -= assumeOffsetMinutes * 60_000;
    }
  } else return null;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
