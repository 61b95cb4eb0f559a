/** Small readers for request values, raising the vendor's validation errors (HTTP 500). */
import { invalidInput, mandatoryMissing } from './errors.ts';

/** A positive integer (numbers or numeric strings, as the vendor's examples mix both); `fallback` when absent. */
export function readInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n))
    throw invalidInput(`Invalid Input! Parameter Name: ${name}`);
  return n;
}

export function requireString(value: unknown, name: string, action: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw mandatoryMissing(`'${name}' is mandatory for ${action}`);
  return value.trim();
}

export function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

export function readBoolean(value: unknown, name: string): boolean {
  if (value === true || value === 1 || value === '1' || value === 'true' || value === 'True') return true;
  if (value === false || value === 0 || value === '0' || value === 'false' || value === 'False') return false;
  throw invalidInput(`Invalid Input! Parameter Name: ${name}`);
}

/** Paging `{PageIndex, PageSize}`: 1-based; `cap` is the endpoint's documented maximum page size. */
export function readPaging(
  value: unknown,
  defaultSize: number,
  cap?: number,
): { index: number; size: number } {
  const paging = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const index = readInt(paging.PageIndex, 'PageIndex', 1);
  const size = readInt(paging.PageSize, 'PageSize', defaultSize);
  if (cap !== undefined && size > cap) throw invalidInput(`PageSize can't be greater than ${cap}`);
  if (index < 1) throw invalidInput('Invalid Input! Parameter Name: PageIndex');
  if (size < 1) throw invalidInput('Invalid Input! Parameter Name: PageSize');
  return { index, size };
}
