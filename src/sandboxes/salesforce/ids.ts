/**
 * Salesforce record ids: 15 case-sensitive characters (a 3-character key prefix such as `005` for User,
 * then the pod and a base-62 serial), and the 18-character form whose last three characters encode, five
 * characters at a time, which of the first fifteen are upper case — so that case-insensitive tools can
 * still tell ids apart. The API answers with 18-character ids and accepts either form.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 18-character form of a 15-character id. */
export function to18(id15: string): string {
  if (!/^[a-zA-Z0-9]{15}$/.test(id15)) throw new Error(`not a 15-character id: ${id15}`);
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15[chunk * 5 + i]!;
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX[bits];
  }
  return id15 + suffix;
}

/** The canonical 18-character id for a 15- or 18-character one, or undefined when it is neither. */
export function canonicalId(id: string): string | undefined {
  if (/^[a-zA-Z0-9]{18}$/.test(id)) {
    const id15 = id.slice(0, 15);
    // An 18-character id whose suffix does not match its case is not one Salesforce issued.
    return to18(id15).slice(15).toLowerCase() === id.slice(15).toLowerCase() ? to18(id15) : undefined;
  }
  return /^[a-zA-Z0-9]{15}$/.test(id) ? to18(id) : undefined;
}

/** `prefix` + pod + a 10-character base-62 serial, in the 18-character form. */
export function makeId(prefix: string, pod: string, serial: number): string {
  let digits = '';
  let rest = serial;
  for (let i = 0; i < 10; i++) {
    digits = BASE62[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  }
  return to18(`${prefix}${pod}${digits}`);
}
