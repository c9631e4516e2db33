import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from './password.ts';

const params = { memoryCost: 64, timeCost: 1, parallelism: 1 };

describe('password hashing', () => {
  it('produces an argon2id hash with the configured cost that verifies the password', async () => {
    const stored = await hashPassword(params, 'correct horse battery');
    expect(stored.startsWith('$argon2id$v=19$m=64,t=1,p=1$')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
  });

  it('rejects a wrong password', async () => {
    const stored = await hashPassword(params, 'correct horse battery');
    expect(await verifyPassword(stored, 'correct horse batterY')).toBe(false);
  });

  it('salts every hash, so the same password hashes differently', async () => {
    const a = await hashPassword(params, 'same password');
    const b = await hashPassword(params, 'same password');
    expect(a).not.toBe(b);
    expect(await verifyPassword(b, 'same password')).toBe(true);
  });

  it('treats a malformed stored hash as a mismatch instead of throwing', async () => {
    expect(await verifyPassword('not-a-login', 'whatever1')).toBe(false);
    expect(await verifyPassword('$argon2id$garbage', 'whatever1')).toBe(false);
  });

  it('asks for a rehash when the cost parameters changed, and not otherwise', async () => {
    const stored = await hashPassword(params, 'correct horse battery');
    expect(needsRehash(stored, params)).toBe(false);
    expect(needsRehash(stored, { ...params, memoryCost: 128 })).toBe(true);
    expect(needsRehash(stored, { ...params, timeCost: 2 })).toBe(true);
    expect(needsRehash('$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA', params)).toBe(true);
  });

  it('the dummy verification always fails, whatever the password', async () => {
    expect(await verifyDummyPassword(params, 'membrain-dummy-password-never-matches')).toBe(false);
    expect(await verifyDummyPassword(params, 'anything at all')).toBe(false);
  });
});

describe('password policy', () => {
  it('refuses passwords shorter than 8 or longer than 128 characters with a validation error', async () => {
    for (const bad of ['', 'short77', 'x'.repeat(129)]) {
      const error = await hashPassword(params, bad).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('VALIDATION_FAILED');
      expect((error as AppError).details?.[0]?.path).toBe('password');
    }
  });

  it('accepts the bounds themselves', async () => {
    expect(await verifyPassword(await hashPassword(params, '12345678'), '12345678')).toBe(true);
    const longest = 'y'.repeat(128);
    expect(await verifyPassword(await hashPassword(params, longest), longest)).toBe(true);
  });
});
