// Member read throughput: GET /v1/members/{id} (API key auth, five fields decrypted) under
// autocannon with 50 connections, as a ratio to a bare Fastify route returning a constant,
// measured in the same run, with autocannon in a separate process. Aim: ratio >= 0.5, p99 < 10 ms.
import { DURATION_S, load } from './lib/autocannon.ts';
import { median, report } from './lib/report.ts';
import { BENCH_API_KEY, startBareServer, startBenchServer } from './lib/server.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

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
