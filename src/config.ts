import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';

/** The whole typed configuration: defaults < optional JSON file < environment variables. */
export const configSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(8080),
    host: z.string().min(1).default('127.0.0.1'),
    databaseUrl: z.string().min(1).default('sqlite:./data/membrain.db'),
    /** PostgreSQL schema to use (tests isolate runs this way); SQLite ignores it. */
    databaseSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .optional(),
    dataDir: z.string().min(1).default('./data'),
    redisUrl: z.string().url().optional(),
    /** 32 bytes as 64 hex digits or base64. Unset: generated into dataDir on first start. */
    masterKey: z.string().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    demo: z
      .object({
        enabled: z.boolean().default(true),
        members: z.number().int().min(10).max(10_000_000).default(2000),
        seed: z.number().int().default(42),
      })
      .prefault({}),
    bootstrap: z
      .object({
        adminPassword: z.string().min(12).optional(),
        apiKey: z.string().min(24).optional(),
      })
      .prefault({}),
    http: z
      .object({
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .default(1024 * 1024),
        trustProxy: z.boolean().default(false),
      })
      .prefault({}),
    auth: z
      .object({
        accessTokenTtlSeconds: z.number().int().min(30).default(900),
        refreshTokenTtlSeconds: z
          .number()
          .int()
          .min(60)
          .default(30 * 24 * 3600),
        operatorTokenTtlSeconds: z
          .number()
          .int()
          .min(60)
          .default(8 * 3600),
        loginPerAccount: z
          .object({
            max: z.number().int().min(1).default(5),
            windowSeconds: z.number().int().min(1).default(900),
          })
          .prefault({}),
        loginPerIp: z
          .object({
            max: z.number().int().min(1).default(30),
            windowSeconds: z.number().int().min(1).default(60),
          })
          .prefault({}),
      })
      .prefault({}),
    /** argon2id cost; the defaults take 20–50 ms per hash on one core here (see docs/benchmarks.md). */
    argon2: z
      .object({
        memoryCost: z.number().int().min(8).default(65_536),
        timeCost: z.number().int().min(1).default(2),
        parallelism: z.number().int().min(1).default(1),
      })
      .prefault({}),
    events: z
      .object({
        autoCreateMembers: z.boolean().default(false),
        maxFutureSkewSeconds: z.number().int().min(0).default(300),
      })
      .prefault({}),
    jobs: z
      .object({
        /** `embedded`: `serve` runs queued and scheduled jobs itself; `off`: leave them to `membrain worker`. */
        worker: z.enum(['embedded', 'off']).default('embedded'),
        pollMs: z.number().int().min(50).default(2_000),
      })
      .prefault({}),
    risk: z
      .object({
        /** Stored decisions (inputs, features, reasons) older than this are purged daily. */
        decisionRetentionDays: z.number().int().min(1).default(365),
        /** How long velocity keys remember a member's devices and IPs ("new device" looks this far back). */
        velocityRetentionDays: z.number().int().min(7).default(30),
        /** Keys the in-memory velocity store keeps (least recently used evicted); Redis has no such cap. */
        velocityMaxKeys: z.number().int().min(1000).default(100_000),
      })
      .prefault({}),
  })
  .strict();

export type Config = Readonly<z.infer<typeof configSchema>>;
export type ConfigInput = z.input<typeof configSchema>;

type EnvBinding = { name: string; path: string[]; type: 'string' | 'int' | 'bool' };

/** Every environment variable Membrain reads, and where it lands in the config. */
export const ENV_BINDINGS: readonly EnvBinding[] = [
  { name: 'MEMBRAIN_PORT', path: ['port'], type: 'int' },
  { name: 'MEMBRAIN_HOST', path: ['host'], type: 'string' },
  { name: 'DATABASE_URL', path: ['databaseUrl'], type: 'string' },
  { name: 'MEMBRAIN_DATABASE_SCHEMA', path: ['databaseSchema'], type: 'string' },
  { name: 'MEMBRAIN_DATA_DIR', path: ['dataDir'], type: 'string' },
  { name: 'REDIS_URL', path: ['redisUrl'], type: 'string' },
  { name: 'MEMBRAIN_JOBS_WORKER', path: ['jobs', 'worker'], type: 'string' },
  { name: 'MEMBRAIN_JOBS_POLL_MS', path: ['jobs', 'pollMs'], type: 'int' },
  { name: 'MEMBRAIN_MASTER_KEY', path: ['masterKey'], type: 'string' },
  { name: 'MEMBRAIN_LOG_LEVEL', path: ['logLevel'], type: 'string' },
  { name: 'MEMBRAIN_DEMO', path: ['demo', 'enabled'], type: 'bool' },
  { name: 'MEMBRAIN_DEMO_MEMBERS', path: ['demo', 'members'], type: 'int' },
  { name: 'MEMBRAIN_DEMO_SEED', path: ['demo', 'seed'], type: 'int' },
  { name: 'MEMBRAIN_ADMIN_PASSWORD', path: ['bootstrap', 'adminPassword'], type: 'string' },
  { name: 'MEMBRAIN_API_KEY', path: ['bootstrap', 'apiKey'], type: 'string' },
  { name: 'MEMBRAIN_TRUST_PROXY', path: ['http', 'trustProxy'], type: 'bool' },
  { name: 'MEMBRAIN_EVENTS_AUTO_CREATE_MEMBERS', path: ['events', 'autoCreateMembers'], type: 'bool' },
  { name: 'MEMBRAIN_RISK_DECISION_RETENTION_DAYS', path: ['risk', 'decisionRetentionDays'], type: 'int' },
  { name: 'MEMBRAIN_RISK_VELOCITY_RETENTION_DAYS', path: ['risk', 'velocityRetentionDays'], type: 'int' },
  { name: 'MEMBRAIN_RISK_VELOCITY_MAX_KEYS', path: ['risk', 'velocityMaxKeys'], type: 'int' },
];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface LoadConfigOptions {
  env?: Record<string, string | undefined>;
  /** Path of a JSON config file; defaults to MEMBRAIN_CONFIG or ./membrain.config.json when present. */
  file?: string;
  overrides?: ConfigInput;
}

/** Builds the frozen config once at start-up; throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const fromFile = readConfigFile(options.file ?? env.MEMBRAIN_CONFIG, problems);
  const fromEnv = readEnv(env, problems);
  const merged = deepMerge(
    deepMerge(fromFile, fromEnv),
    (options.overrides ?? {}) as Record<string, unknown>,
  );
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return deepFreeze(parsed.data);
}

function readConfigFile(path: string | undefined, problems: string[]): Record<string, unknown> {
  const file = path ?? (existsSync('membrain.config.json') ? 'membrain.config.json' : undefined);
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(resolve(file), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    problems.push(`config file ${file}: ${(error as Error).message}`);
    return {};
  }
}

function readEnv(env: Record<string, string | undefined>, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const binding of ENV_BINDINGS) {
    const raw = env[binding.name];
    if (raw === undefined || raw === '') continue;
    const value = convert(raw, binding.type);
    if (value === undefined) {
      problems.push(`${binding.name}: expected ${binding.type === 'int' ? 'an integer' : '0/1/true/false'}`);
      continue;
    }
    setPath(out, binding.path, value);
  }
  return out;
}

function convert(raw: string, type: EnvBinding['type']): string | number | boolean | undefined {
  if (type === 'string') return raw;
  if (type === 'int') return /^-?\d+$/.test(raw.trim()) ? Number(raw) : undefined;
  const lower = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  return undefined;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(top)) {
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key], value) : value;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (isPlainObject(value)) for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
