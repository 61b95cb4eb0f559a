/**
 * AdvancedSearch rows are the sandbox's hot path (a benchmark streams a million of them). For each
 * Include_CSV projection this compiles, once, a function that writes one user's JSON: every getter
 * has its own call site, runs of null attributes are one literal, and for users without values
 * written through the API the generated text is quoted without an escaping check (it never holds
 * quotes, backslashes or control characters). Users with written values take the checked path.
 */
import { hash32 } from '../../kit/random.ts';
import type { Tenant } from '../data/tenant.ts';
import type { FieldValue } from '../data/user-store.ts';

export type RowWriter = (t: Tenant, i: number) => string;

/** Quotes, backslashes and control characters need escaping; lone surrogates need JSON.stringify's care. */
function needsEscape(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** JSON string literal; skips JSON.stringify for the common plain string. */
function jsonString(s: string): string {
  return needsEscape(s) ? JSON.stringify(s) : `"${s}"`;
}

/** AdvancedSearch returns every value as a string: `"0"`, `"true"`, or null. */
export function searchValueJson(v: FieldValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'boolean') return v ? '"true"' : '"false"';
  return `"${v}"`;
}

/** Same as searchValueJson for generated text, which needs no escaping. */
function plainValueJson(v: FieldValue): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? '"true"' : '"false"';
  return `"${v}"`;
}

const writers = new WeakMap<Tenant, Map<string, RowWriter>>();

/** The writer for a projection (`selected[k]` = attribute k gets its value), compiled once per tenant. */
export function rowWriter(t: Tenant, selected: Uint8Array): RowWriter {
  let byProjection = writers.get(t);
  if (!byProjection) {
    byProjection = new Map();
    writers.set(t, byProjection);
  }
  const key = selected.join('');
  let writer = byProjection.get(key);
  if (writer) return writer;

  const compile = (checked: boolean): RowWriter => {
    const parts: string[] = [];
    const names: string[] = [];
    const getters: unknown[] = [];
    let literal = '{';
    t.fields.forEach((field, k) => {
      literal += `${k === 0 ? '' : ','}${JSON.stringify(field.name)}:`;
      if (!selected[k]) {
        literal += 'null';
        return;
      }
      parts.push(JSON.stringify(literal));
      literal = '';
      const quote = checked || field.escapeAlways ? 'checked' : 'plain';
      names.push(`get${k}`);
      if (!checked && field.derive) {
        // No written values on this path, so go straight to the generator.
        getters.push(field.derive.generate);
        parts.push(`${quote}(get${k}(t, i, hash(seed, i, ${field.derive.salt})))`);
      } else {
        getters.push(field.get);
        parts.push(`${quote}(get${k}(t, i))`);
      }
    });
    parts.push(JSON.stringify(`${literal}}`));
    const factory = new Function(
      'checked',
      'plain',
      'hash',
      ...names,
      `return function row(t, i) { const seed = t.users.seed; return ${parts.join(' + ')}; };`,
    );
    return factory(searchValueJson, plainValueJson, hash32, ...getters) as RowWriter;
  };
  const plainRow = compile(false);
  const checkedRow = compile(true);
  writer = (tenant, i) => (tenant.users.overrides.has(i) ? checkedRow(tenant, i) : plainRow(tenant, i));
  byProjection.set(key, writer);
  return writer;
}
