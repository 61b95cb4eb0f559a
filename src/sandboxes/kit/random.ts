/**
 * Deterministic, allocation-free randomness. Generated fields are derived on demand from
 * (seed, user index, field salt), so a million users need no stored strings for them.
 */

/** A well-mixed 32-bit hash of three integers (murmur3 finaliser). */
export function hash32(seed: number, index: number, salt: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 0x7f4a7c15, 0xc2b2ae35);
  h ^= Math.imul(salt + 0x165667b1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A seeded generator of floats in [0, 1) (mulberry32), for sequential generation. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(pool: readonly T[], h: number): T {
  return pool[h % pool.length];
}

const HEX = '0123456789abcdef';
/** Two hex digits per byte value: ids are formatted several times per serialized user. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => HEX[b >>> 4] + HEX[b & 15]);

/** Lower-case hex of the low `width` digits of `value` (width 3, 4, 8 or 12 at most 8 significant). */
export function hex(value: number, width: number): string {
  const v = value >>> 0;
  if (width === 8)
    return BYTE_HEX[v >>> 24] + BYTE_HEX[(v >>> 16) & 255] + BYTE_HEX[(v >>> 8) & 255] + BYTE_HEX[v & 255];
  if (width === 4) return BYTE_HEX[(v >>> 8) & 255] + BYTE_HEX[v & 255];
  let out = '';
  let rest = v;
  for (let k = 0; k < width; k++) {
    out = HEX[rest & 15] + out;
    rest >>>= 4;
  }
  return out;
}

export function randomHex(rng: () => number, width: number): string {
  let out = '';
  for (let k = 0; k < width; k++) out += HEX[Math.floor(rng() * 16)];
  return out;
}

/** A lowercase GUID in the time-based (v1-like) layout LeadSquared ids show, e.g. `718ae557-9d0b-11e7-b0ab-02e89b2fb8f4`. */
export function seededGuid(rng: () => number): string {
  const variant = HEX[8 + Math.floor(rng() * 4)];
  return `${randomHex(rng, 8)}-${randomHex(rng, 4)}-11e${randomHex(rng, 1)}-${variant}${randomHex(rng, 3)}-${randomHex(rng, 12)}`;
}

/** A GUID that is a pure function of (seed, index, salt), for catalog entries that are never stored. */
export function hashGuid(seed: number, index: number, salt: number): string {
  const a = hash32(seed, index, salt);
  const b = hash32(seed, index, salt + 1);
  const c = hash32(seed, index, salt + 2);
  return `${hex(a, 8)}-${hex(b, 4)}-11e7-${HEX[8 + (b >>> 30)]}${hex(b >>> 16, 3)}-${hex(c, 8)}${hex(a >>> 16, 4)}`;
}
