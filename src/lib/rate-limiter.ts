import type { Redis } from 'ioredis';

export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window frees up; 0 when allowed. */
  retryAfterSeconds: number;
}

/** Counts attempts per key in fixed windows. In memory by default, in Redis when shared by replicas. */
export interface RateLimiter {
  /** Records one attempt and says whether it is within `max` per `windowMs`. */
  hit(key: string, max: number, windowMs: number): Promise<RateLimitResult>;
  /** Whether the key is over its limit, without recording an attempt. */
  peek(key: string, max: number, windowMs: number): Promise<RateLimitResult>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly now: () => number) {}

  async hit(key: string, max: number, windowMs: number): Promise<RateLimitResult> {
    const time = this.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt <= time) {
      window = { count: 0, resetAt: time + windowMs };
      this.windows.set(key, window);
      if (this.windows.size > 100_000) this.sweep(time);
    }
    window.count += 1;
    return this.result(window, max, time);
  }

  async peek(key: string, max: number): Promise<RateLimitResult> {
    const time = this.now();
    const window = this.windows.get(key);
    if (!window || window.resetAt <= time) return { allowed: true, retryAfterSeconds: 0 };
    return window.count >= max
      ? this.result({ ...window, count: window.count + 1 }, max, time)
      : { allowed: true, retryAfterSeconds: 0 };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {}

  private result(window: { count: number; resetAt: number }, max: number, time: number): RateLimitResult {
    return window.count <= max
      ? { allowed: true, retryAfterSeconds: 0 }
      : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - time) / 1000)) };
  }

  // Bounded memory under a flood of distinct keys: drop expired windows.
  private sweep(time: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= time) this.windows.delete(key);
  }
}

/** The same windows in Redis (INCR + PEXPIRE), so every API replica sees every attempt. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'membrain:rl:',
  ) {}

  async hit(key: string, max: number, windowMs: number): Promise<RateLimitResult> {
    const k = this.prefix + key;
    const [[, count], [, ttl]] = (await this.redis.multi().incr(k).pttl(k).exec()) as [
      [null, number],
      [null, number],
    ];
    let remaining = ttl;
    if (ttl < 0) {
      await this.redis.pexpire(k, windowMs);
      remaining = windowMs;
    }
    return count <= max
      ? { allowed: true, retryAfterSeconds: 0 }
      : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(remaining / 1000)) };
  }

  async peek(key: string, max: number): Promise<RateLimitResult> {
    const k = this.prefix + key;
    const [[, raw], [, ttl]] = (await this.redis.multi().get(k).pttl(k).exec()) as [
      [null, string | null],
      [null, number],
    ];
    const count = raw === null ? 0 : Number(raw);
    return count < max
      ? { allowed: true, retryAfterSeconds: 0 }
      : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(ttl, 0) / 1000)) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
