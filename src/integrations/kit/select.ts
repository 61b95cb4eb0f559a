/**
 * Paths into a vendor's JSON, written as data: `results`, `data.users`, `info.more_records`,
 * `items.*.data` (each element's `data`), or `''` for the body itself. The record selector of a list and
 * the message/code locations of error rules are such paths.
 */
export type JsonPath = string;

function step(values: unknown[], key: string): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    if (key === '*') {
      if (Array.isArray(value)) out.push(...value);
    } else if (value !== null && typeof value === 'object' && Object.hasOwn(value, key)) {
      out.push((value as Record<string, unknown>)[key]);
    }
  }
  return out;
}

/** Every value at `path` (a `*` segment fans out over an array). */
export function valuesAt(body: unknown, path: JsonPath): unknown[] {
  if (path === '') return [body];
  return path.split('.').reduce<unknown[]>((values, key) => step(values, key), [body]);
}

/** The one value at `path`, or undefined. */
export function valueAt(body: unknown, path: JsonPath): unknown {
  return valuesAt(body, path)[0];
}

/** The records at `path`: an array there is the records; a `*` path collects one record per element. */
export function recordsAt(body: unknown, path: JsonPath): unknown[] {
  const found = valuesAt(body, path);
  if (path.includes('*')) return found.filter((v) => v !== undefined);
  const first = found[0];
  return Array.isArray(first) ? first : [];
}

/** A copy of `target` with `value` at `path` (objects created on the way; `target` is not changed). */
export function withValueAt<T>(target: T, path: JsonPath, value: unknown): T {
  const [key, ...rest] = path.split('.');
  const base = (target !== null && typeof target === 'object' ? { ...target } : {}) as Record<
    string,
    unknown
  >;
  base[key!] = rest.length === 0 ? value : withValueAt(base[key!], rest.join('.'), value);
  return base as T;
}
