/** LeadSquared date-times are UTC `YYYY-MM-DD HH:MM:SS` (sometimes with `.000`); Switchboard speaks ISO 8601. */
const LSQ_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/;

export function lsqToIso(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const match = LSQ_DATE_TIME.exec(value.trim());
  if (!match) return null;
  return `${match[1]}T${match[2]}${match[3] ?? '.000'}Z`.replace(/(\.\d{3})\d*Z$/, '$1Z');
}

export function isoToLsq(value: string): string {
  return new Date(value).toISOString().slice(0, 19).replace('T', ' ');
}
