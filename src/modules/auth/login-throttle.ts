import type { AppContext } from '../../context.ts';
import { appError, Errors } from '../../errors.ts';

/** The two rate-limit buckets one login attempt falls in. */
export interface LoginThrottleKeys {
  /** Per account: failures only; keyed by something that identifies the login without containing it. */
  account: string;
  /** Per client address: every attempt. */
  ip: string;
}

function rateLimited(retryAfterSeconds: number): Error {
  return appError(Errors.AUTH_RATE_LIMITED, undefined, [
    { message: `retry in ${retryAfterSeconds} s`, retryAfterSeconds },
  ]);
}

/**
 * Throws 429 AUTH_RATE_LIMITED (with retryAfterSeconds for the Retry-After header) when the
 * address made too many attempts or the account had too many failures in its window. Called
 * before the password is checked, so a locked account costs no hashing work.
 */
export async function assertLoginAllowed(ctx: AppContext, keys: LoginThrottleKeys): Promise<void> {
  const { loginPerAccount, loginPerIp } = ctx.config.auth;
  const ip = await ctx.rateLimiter.hit(keys.ip, loginPerIp.max, loginPerIp.windowSeconds * 1000);
  if (!ip.allowed) throw rateLimited(ip.retryAfterSeconds);
  const account = await ctx.rateLimiter.peek(
    keys.account,
    loginPerAccount.max,
    loginPerAccount.windowSeconds * 1000,
  );
  if (!account.allowed) throw rateLimited(account.retryAfterSeconds);
}

/** Counts a failed attempt against the account (unknown accounts count too, indistinguishably). */
export async function recordLoginFailure(ctx: AppContext, keys: LoginThrottleKeys): Promise<void> {
  const { max, windowSeconds } = ctx.config.auth.loginPerAccount;
  await ctx.rateLimiter.hit(keys.account, max, windowSeconds * 1000);
}

/** A successful login clears the account's failures. */
export async function recordLoginSuccess(ctx: AppContext, keys: LoginThrottleKeys): Promise<void> {
  await ctx.rateLimiter.reset(keys.account);
}
