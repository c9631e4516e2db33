// Client side of the points benchmark, run in its own process: autocannon with 50 connections
// sends exactly `amount` requests, each to a random member of the list and (earn and redeem)
// with a fresh Idempotency-Key. A share of requests may resend one of the last keys, word for
// word, as a client retrying after a timeout would, often while the first try is still in
// flight. The reason carries the key, so every answer says which key it belongs to: a key
// answered with two different ledger ids would be a retry applied twice. Prints one JSON line
// with throughput, latency and, per member, the net points of the distinct entries created.
import autocannon from 'autocannon';

export interface LoadArgs {
  url: string;
  apiKey: string;
  op: 'read' | 'earn' | 'redeem';
  memberIds: string[];
  amount: number;
  /** Unique per phase, so keys never collide across phases. */
  tag: string;
  connections?: number;
  /** 0..1: how many requests resend a recent key instead of a new one. */
  replayShare?: number;
}

export interface LoadResult {
  op: LoadArgs['op'];
  requests: number;
  seconds: number;
  reqPerSec: number;
  /** Distinct ledger entries per second (earn, redeem): replays and reads excluded. */
  txPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
  /** The first few answers other than 200, for the error message. */
  failures: string[];
  /** Distinct ledger entries the answers named. */
  entries: number;
  replays: number;
  /** Keys answered with more than one ledger id: must be 0. */
  doubleApplied: number;
  /** Net points of the distinct entries, per member. */
  net: Record<string, number>;
}

interface Sent {
  path: string;
  key: string;
  body: string;
}

export async function runLoad(args: LoadArgs): Promise<LoadResult> {
  const replayShare = args.replayShare ?? 0;
  const recent: Sent[] = [];
  let counter = 0;
  let replays = 0;
  const idOfKey = new Map<string, string>();
  const seenIds = new Set<string>();
  const net: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  const failures: string[] = [];
  let doubleApplied = 0;
  const pick = () => args.memberIds[Math.floor(Math.random() * args.memberIds.length)] as string;

  const setupRequest = (request: Record<string, unknown>) => {
    const headers = request.headers as Record<string, string>;
    if (args.op === 'read') return { ...request, method: 'GET', path: `/v1/members/${pick()}` };
    let sent: Sent;
    if (replayShare > 0 && recent.length > 0 && Math.random() < replayShare) {
      sent = recent[Math.floor(Math.random() * recent.length)] as Sent;
      replays += 1;
    } else {
      const key = `${args.tag}-${counter++}`;
      // Redeem small amounts (the seed balance covers every one); earn a little more.
      const points = args.op === 'earn' ? 10 + (counter % 90) : 1 + (counter % 5);
      sent = {
        path: `/v1/members/${pick()}/points/${args.op}`,
        key,
        body: JSON.stringify({ points, reason: `bench ${key}` }),
      };
      recent.push(sent);
      if (recent.length > 200) recent.shift();
    }
    return {
      ...request,
      method: 'POST',
      path: sent.path,
      headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': sent.key },
      body: sent.body,
    };
  };

  const onResponse = (status: number, body: string) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status !== 200 && failures.length < 5) failures.push(`${status} ${body.slice(0, 300)}`);
    if (args.op === 'read' || status !== 200) return;
    const entry = JSON.parse(body) as { id: string; memberId: string; points: number; reason: string };
    const key = entry.reason.slice('bench '.length);
    const known = idOfKey.get(key);
    if (known !== undefined && known !== entry.id) doubleApplied += 1;
    idOfKey.set(key, entry.id);
    if (seenIds.has(entry.id)) return;
    seenIds.add(entry.id);
    net[entry.memberId] = (net[entry.memberId] ?? 0) + entry.points;
  };

  const started = performance.now();
  const result = await autocannon({
    url: args.url,
    connections: args.connections ?? 50,
    amount: args.amount,
    timeout: 30,
    headers: { authorization: `Bearer ${args.apiKey}` },
    requests: [{ setupRequest, onResponse }] as unknown as autocannon.Request[],
  });
  const seconds = (performance.now() - started) / 1000;
  const requests = result.requests.total;
  return {
    op: args.op,
    requests,
    seconds,
    reqPerSec: requests / seconds,
    txPerSec: args.op === 'read' ? 0 : seenIds.size / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses,
    failures,
    entries: seenIds.size,
    replays,
    doubleApplied,
    net,
  };
}

// Run as a script: `node bin/run-ts.mjs bench/lib/points-load.ts '<LoadArgs as JSON>'`.
if (process.argv[1]?.endsWith('points-load.ts')) {
  const args = JSON.parse(process.argv[2] as string) as LoadArgs;
  console.log(JSON.stringify(await runLoad(args)));
}
