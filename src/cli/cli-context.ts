import pino from 'pino';
import { loadConfig } from '../config.ts';
import { type AppContext, createContext } from '../context.ts';
import { createLogger } from '../lib/logger.ts';

/**
 * Runs an admin command against the configured database (same config as the server: env,
 * membrain.config.json) and closes it afterwards. Logs go to stderr so stdout stays for output.
 */
export async function withCliContext<T>(run: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const ctx = await createContext(config, { logger: createLogger(level, pino.destination(2)) });
  try {
    return await run(ctx);
  } finally {
    await ctx.close();
  }
}
