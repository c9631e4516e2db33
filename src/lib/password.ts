import { type Algorithm, hash, parseOptions, verify } from '@node-rs/argon2';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { appError, Errors } from '../errors.ts';

/** argon2id cost parameters, as in `config.argon2`. */
export type Argon2Params = Config['argon2'];

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The member password policy. The upper bound keeps one login attempt from costing the server
 * more than a bounded amount of hashing work; no composition rules (NIST SP 800-63B).
 */
export const passwordSchema = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);

// The package declares Algorithm as an ambient const enum, which isolatedModules cannot inline.
const ARGON2ID = 2 as Algorithm;

/** Throws 400 VALIDATION_FAILED when `password` breaks the length policy. */
export function assertPasswordPolicy(
  password: string,
  path = 'password',
  minLength = PASSWORD_MIN_LENGTH,
): void {
  if (password.length < minLength || password.length > PASSWORD_MAX_LENGTH) {
    throw appError(Errors.VALIDATION_FAILED, undefined, [
      { path, message: `must be ${minLength}–${PASSWORD_MAX_LENGTH} characters` },
    ]);
  }
}

/** An argon2id PHC string (`$argon2id$v=19$m=…`) with a fresh random salt; enforces the policy. */
export async function hashPassword(params: Argon2Params, password: string): Promise<string> {
  assertPasswordPolicy(password);
  return hash(password, {
    algorithm: ARGON2ID,
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  });
}

/** True when `password` matches `passwordHash`; a malformed stored hash is a mismatch, not a crash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (!passwordHash.startsWith('$argon2') || password.length > PASSWORD_MAX_LENGTH) return false;
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** True when a stored hash was made with other cost parameters (or is not argon2id): rehash at next login. */
export function needsRehash(passwordHash: string, params: Argon2Params): boolean {
  if (!passwordHash.startsWith('$argon2id$')) return true;
  try {
    const used = parseOptions(passwordHash);
    return (
      used.memoryCost !== params.memoryCost ||
      used.timeCost !== params.timeCost ||
      used.parallelism !== params.parallelism
    );
  } catch {
    return true;
  }
}

const dummyHashes = new Map<string, Promise<string>>();

/**
 * Spends the same work as a real verification and returns false. Called when the account does
 * not exist (or cannot log in), so response time does not tell an attacker which logins exist.
 */
export async function verifyDummyPassword(params: Argon2Params, password: string): Promise<false> {
  const key = `${params.memoryCost}:${params.timeCost}:${params.parallelism}`;
  let dummy = dummyHashes.get(key);
  if (!dummy) {
    dummy = hashPassword(params, 'membrain-dummy-password-never-matches');
    dummyHashes.set(key, dummy);
  }
  await verifyPassword(await dummy, password.slice(0, PASSWORD_MAX_LENGTH));
  return false;
}
