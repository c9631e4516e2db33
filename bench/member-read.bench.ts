// Member read throughput: GET /v1/members/{id} (API key auth, five fields decrypted) under
// autocannon with 50 connections, as a ratio to a bare Fastify route returning a constant,
// measured in the same run, with autocannon in a separate process. Aim: ratio >= 0.5, p99 < 10 ms.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { median, report } from './lib/report.ts';
import { BENCH_API_KEY, startBareServer, startBenchServer } from './lib/server.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const AUTOCANNON = join(import.meta.dirname, '..', 'node_modules', '.bin', 'autocannon');

/** Runs autocannon in its own process, so the load generator does not share the server's core. */
function load(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ rps: number; p50: number; p99: number }> {
  const args = ['-c', '50', '-d', String(DURATION_S), '-j'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
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

const membrain = await startBenchServer();
const bare = await startBareServer();
const auth = { authorization: `Bearer ${BENCH_API_KEY}` };
const members = 1000;
for (let i = 0; i < members; i++) {
  const res = await fetch(`${membrain.url}/v1/members`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: `m-${i}`,
      name: `会员${i}`,
      email: `member${i}@example.com`,
      phone: `138${String(i).padStart(8, '0')}`,
      birthday: '1990-05-01',
      address: `上海市徐汇区某路${i}号`,
      region: '上海',
    }),
  });
  if (!res.ok) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
}

const target = `${membrain.url}/v1/members/m-${Math.floor(members / 2)}`;
const bareRuns = [];
const memberRuns = [];
for (let round = 0; round < ROUNDS; round++) {
  bareRuns.push(await load(`${bare.url}/constant`));
  memberRuns.push(await load(target, auth));
}
const row = (name: string, runs: { rps: number; p50: number; p99: number }[]) => ({
  route: name,
  reqPerSec: Math.round(median(runs.map((r) => r.rps))),
  p50ms: median(runs.map((r) => r.p50)),
  p99ms: median(runs.map((r) => r.p99)),
});
const bareRow = row('bare Fastify constant', bareRuns);
const memberRow = row('GET /v1/members/{id}', memberRuns);
report(
  'member-read',
  [bareRow, { ...memberRow, ratio: Number((memberRow.reqPerSec / bareRow.reqPerSec).toFixed(3)) }],
  {
    connections: 50,
    durationSeconds: DURATION_S,
    rounds: ROUNDS,
  },
);
await membrain.stop();
await bare.app.close();
