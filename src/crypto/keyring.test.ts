import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Keyring } from './keyring.ts';

describe('Keyring', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);

  it('round-trips a value and never repeats an IV', () => {
    const ring = new Keyring([['k1', k1]]);
    const a = ring.seal('secret');
    const b = ring.seal('secret');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toContain('secret');
    expect(ring.open(a)).toBe('secret');
  });

  it('decrypts values sealed with an older key after rotation', () => {
    const old = new Keyring([['k1', k1]]).seal('kept');
    const rotated = new Keyring([
      ['k2', k2],
      ['k1', k1],
    ]);
    expect(rotated.open(old)).toBe('kept');
    expect(rotated.seal('new').kid).toBe('k2');
  });

  it('rejects a tampered ciphertext', () => {
    const ring = new Keyring([['k1', k1]]);
    const sealed = ring.seal('secret');
    const ct = Buffer.from(sealed.ct, 'base64');
    ct[0]! ^= 1;
    expect(() => ring.open({ ...sealed, ct: ct.toString('base64') })).toThrow();
  });
});
