import type { Database } from '../../db/database.ts';

// The accounts linked to a member through the devices and IPs of their risk checks: the graph a
// reviewer reads to see a farm (many accounts on one device) or a shared connection. One hop:
// the member, their devices and IPs, and every other member seen on those, with how many checks
// each link carries and whether a member has a decision labelled fraud.

/** At most this many devices or IPs of the member are followed (their most used first). */
const MAX_HUBS = 50;
/** At most this many other members are returned. */
const MAX_MEMBERS = 200;

export interface LinkNode {
  id: string;
  kind: 'member' | 'device' | 'ip';
  /** Members only: whether any of their decisions is labelled fraud. */
  fraud?: boolean;
}

export interface LinkEdge {
  member: string;
  /** The device or IP node id. */
  hub: string;
  checks: number;
}

export interface LinkGraph {
  memberId: string;
  nodes: LinkNode[];
  edges: LinkEdge[];
  /** True when the member had more devices, IPs or neighbours than the graph shows. */
  truncated: boolean;
}

const hubId = (kind: 'device' | 'ip', value: string) => `${kind}:${value}`;

export async function linkedAccounts(db: Database, memberId: string): Promise<LinkGraph> {
  const own = await db
    .selectFrom('riskDecisions')
    .select(['deviceId', 'ip', (eb) => eb.fn.countAll<number>().as('checks')])
    .where('memberId', '=', memberId)
    .groupBy(['deviceId', 'ip'])
    .execute();
  const devices = new Map<string, number>();
  const ips = new Map<string, number>();
  for (const row of own) {
    if (row.deviceId) devices.set(row.deviceId, (devices.get(row.deviceId) ?? 0) + Number(row.checks));
    if (row.ip) ips.set(row.ip, (ips.get(row.ip) ?? 0) + Number(row.checks));
  }
  const top = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_HUBS)
      .map(([k]) => k);
  const followedDevices = top(devices);
  const followedIps = top(ips);
  let truncated = devices.size > MAX_HUBS || ips.size > MAX_HUBS;

  const edges = new Map<string, LinkEdge>();
  const add = (member: string, hub: string, checks: number) => {
    const key = `${member}\0${hub}`;
    const edge = edges.get(key) ?? { member, hub, checks: 0 };
    edge.checks += checks;
    edges.set(key, edge);
  };
  for (const [device, checks] of devices)
    if (followedDevices.includes(device)) add(memberId, hubId('device', device), checks);
  for (const [ip, checks] of ips) if (followedIps.includes(ip)) add(memberId, hubId('ip', ip), checks);

  const neighbours = new Set<string>();
  for (const [column, values, kind] of [
    ['deviceId', followedDevices, 'device'],
    ['ip', followedIps, 'ip'],
  ] as const) {
    if (values.length === 0) continue;
    const rows = await db
      .selectFrom('riskDecisions')
      .select(['memberId', column, (eb) => eb.fn.countAll<number>().as('checks')])
      .where(column, 'in', values)
      .where('memberId', 'is not', null)
      .where('memberId', '!=', memberId)
      .groupBy(['memberId', column])
      .orderBy('checks', 'desc')
      .limit(MAX_MEMBERS * 4)
      .execute();
    for (const row of rows) {
      const other = row.memberId as string;
      if (!neighbours.has(other) && neighbours.size >= MAX_MEMBERS) {
        truncated = true;
        continue;
      }
      neighbours.add(other);
      add(other, hubId(kind, (row as Record<string, unknown>)[column] as string), Number(row.checks));
    }
  }

  const members = [memberId, ...neighbours];
  const fraud = new Set(
    (
      await db
        .selectFrom('riskDecisions')
        .select('memberId')
        .distinct()
        .where('memberId', 'in', members)
        .where('label', '=', 'fraud')
        .execute()
    ).map((r) => r.memberId as string),
  );
  const nodes: LinkNode[] = [
    ...members.map((id) => ({ id, kind: 'member' as const, fraud: fraud.has(id) })),
    ...followedDevices.map((d) => ({ id: hubId('device', d), kind: 'device' as const })),
    ...followedIps.map((ip) => ({ id: hubId('ip', ip), kind: 'ip' as const })),
  ];
  return { memberId, nodes, edges: [...edges.values()], truncated };
}
