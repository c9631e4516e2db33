import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type DataKey, PiiCipher } from './pii-cipher.ts';

function keyring() {
  const keys: DataKey[] = [{ id: 'dk_a', key: randomBytes(32), active: true }];
  let loads = 0;
  const cipher = new PiiCipher(async () => {
    loads += 1;
    return keys.map((k) => ({ ...k }));
  });
  return { keys, cipher, loads: () => loads };
}

describe('the personal-data cipher', () => {
  it('round-trips a value under the active key and names that key in the ciphertext', async () => {
    const { cipher } = keyring();
    await cipher.reload();
    const sealed = cipher.encrypt('王小明 <xm@example.com>', 'members:m1:name');
    expect(sealed.startsWith('v1.dk_a.')).toBe(true);
    expect(sealed).not.toContain('example');
    expect(await cipher.decrypt(sealed, 'members:m1:name')).toBe('王小明 <xm@example.com>');
    expect(cipher.decryptIfKeyLoaded(sealed, 'members:m1:name')).toBe('王小明 <xm@example.com>');
  });

  it('refuses a ciphertext moved to another row or field, or altered', async () => {
    const { cipher } = keyring();
    await cipher.reload();
    const sealed = cipher.encrypt('13800138000', 'members:m1:phone');
    expect(() => cipher.decryptIfKeyLoaded(sealed, 'members:m2:phone')).toThrow();
    const parts = sealed.split('.');
    parts[4] = Buffer.from('13900139000').toString('base64url');
    expect(() => cipher.decryptIfKeyLoaded(parts.join('.'), 'members:m1:phone')).toThrow();
    expect(() => cipher.decryptIfKeyLoaded('plain text', 'members:m1:phone')).toThrow(
      /not a Membrain ciphertext/,
    );
  });

  it('leaves a key it has not loaded to decrypt(), which reloads the keys once', async () => {
    const { keys, cipher, loads } = keyring();
    await cipher.reload();
    // Another process rotates: it adds key b, makes it active and encrypts with it.
    const keyB: DataKey = { id: 'dk_b', key: randomBytes(32), active: true };
    keys[0]!.active = false;
    keys.push(keyB);
    const other = new PiiCipher(async () => keys.map((k) => ({ ...k })));
    await other.reload();
    const sealed = other.encrypt('a@example.com', 'members:m1:email');

    expect(cipher.decryptIfKeyLoaded(sealed, 'members:m1:email')).toBeUndefined();
    const before = loads();
    expect(await cipher.decrypt(sealed, 'members:m1:email')).toBe('a@example.com');
    expect(loads()).toBe(before + 1);
    expect(cipher.activeKeyId).toBe('dk_b');
  });
});
