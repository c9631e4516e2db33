import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** Seconds each autocannon run lasts (`BENCH_DURATION`, default 8). */
export const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);

const AUTOCANNON = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'autocannon');

/** One autocannon run: mean requests per second and latency percentiles in ms. */
export interface LoadRun {
  rps: number;
  p50: number;
  p99: number;
}

/**
 * Runs autocannon (50 connections, DURATION_S seconds) in its own process, so the load generator
 * does not share the server's core; any non-2xx reply or error fails the run. With `post`, every
 * request is a POST of that JSON body.
 */
export function load(
  url: string,
  headers: Record<string, string> = {},
  post?: { body: unknown },
): Promise<LoadRun> {
  const args = ['-c', '50', '-d', String(DURATION_S), '-j'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
  if (post) args.push('-m', 'POST', '-H', 'content-type=application/json', '-b', JSON.stringify(post.body));
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile(AUTOCANNON, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      const result = JSON.parse(stdout) as {
        requests: { average: number };
        latency: { p50: number; p99: number };
        non2xx: number;
        errors: number;
      };
      if (result.non2xx > 0 || result.errors > 0) {
        return reject(new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`));
      }
      resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 });
    });
  });
}
