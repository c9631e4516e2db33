// The generator behind million-shop.ts: catalogue, members and two years of behaviour, written
// with raw prepared statements in large transactions.
import type BetterSqlite3 from 'better-sqlite3';

export const DAY_MS = 86_400_000;
const SPAN_DAYS = 730;
const EVENTS_PER_MEMBER = 6;
const ITEMS = 20_000;
/** A session's expected events (login, views, cart, order …), for the number of sessions. */
const EVENTS_PER_SESSION = 3.4;
const CATEGORIES = [
  ['服饰', 12_000],
  ['鞋靴', 30_000],
  ['美妆', 15_000],
  ['数码', 150_000],
  ['家电', 200_000],
  ['食品', 5_000],
  ['母婴', 10_000],
  ['家居', 20_000],
  ['运动', 25_000],
  ['图书', 4_000],
  ['箱包', 35_000],
  ['珠宝', 120_000],
] as const;
const REGIONS = ['上海', '北京', '广州', '深圳', '杭州', '成都', '武汉', '南京', '西安', '重庆'];
const GENDERS = ['female', 'female', 'male', 'male', 'unknown'];
const AGENTS = {
  web: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36',
    'Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15',
  ],
  mini: ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) MicroMessenger/8.0.40 miniProgram'],
  app: [null],
} as const;
const CHANNELS = ['app', 'app', 'web', 'mini'] as const;

/** Seeded xorshift32 in [0, 1). */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** A stable per-member number in [0, 1) (preferences without storing them). */
export function hash01(i: number, salt: number): number {
  let h = Math.imul(i ^ salt, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

export const memberIdOf = (i: number) => `m-${String(i).padStart(7, '0')}`;
const itemIdOf = (i: number) => `sku-${String(i).padStart(5, '0')}`;

interface Item {
  id: string;
  category: number;
  price: number;
}

function buildItems(random: () => number): Item[] {
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: ITEMS }, (_, i) => {
    const category = i % CATEGORIES.length;
    const base = CATEGORIES[category]?.[1] as number;
    return { id: itemIdOf(i), category, price: Math.max(100, Math.round(base * Math.exp(0.6 * normal()))) };
  });
}

function insertItems(sqlite: BetterSqlite3.Database, items: Item[], at: number, random: () => number): void {
  const insert = sqlite.prepare(
    `insert into items (id, title, title_en, category_path, category, brand, price_amount, currency, attributes,
       in_stock, created_at, updated_at) values (?, ?, null, ?, ?, ?, ?, 'CNY', '{}', 1, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (const item of items) {
      const category = CATEGORIES[item.category]?.[0] as string;
      // 15 brands per category; one item in ten has no brand.
      const brand = random() < 0.1 ? null : `${category}-品牌${1 + Math.floor(random() ** 1.5 * 15)}`;
      insert.run(item.id, `${category} ${item.id}`, category, category, brand, item.price, at, at);
    }
  })();
}

/** Members registered before or during the span, in id order; registration day of member i. */
function registeredDay(i: number, members: number): number {
  // Half registered before the span starts, the rest spread over the first 600 days.
  const share = i / members;
  return share < 0.5 ? -Math.floor((0.5 - share) * 400) : Math.floor((share - 0.5) * 2 * 600);
}

function insertMembers(sqlite: BetterSqlite3.Database, members: number, start: number): void {
  const insert = sqlite.prepare(
    `insert into members (id, gender, region, channel, attributes, consents, status, registered_at, created_at,
       updated_at, deleted_at, version) values (?, ?, ?, ?, '{}', '{}', 'active', ?, ?, ?, null, 1)`,
  );
  for (let from = 0; from < members; from += 100_000) {
    sqlite.transaction(() => {
      for (let i = from; i < Math.min(members, from + 100_000); i++) {
        const at = start + registeredDay(i, members) * DAY_MS + Math.floor(hash01(i, 1) * DAY_MS);
        const channel = CHANNELS[Math.floor(hash01(i, 2) * CHANNELS.length)] as string;
        insert.run(
          memberIdOf(i),
          GENDERS[Math.floor(hash01(i, 3) * GENDERS.length)],
          REGIONS[Math.floor(hash01(i, 4) ** 1.4 * REGIONS.length)],
          channel,
          at,
          at,
          at,
        );
      }
    })();
  }
}

interface Row {
  type: string;
  member: number;
  item: Item | null;
  order: string | null;
  at: number;
  quantity: number | null;
  amount: number | null;
  rating: number | null;
  text: string | null;
}

/** How likely a drawn member is to really have the session: activity is skewed. */
const propensity = (i: number) => Math.min(1, 0.05 + 2 * hash01(i, 7) ** 3);

const RATINGS = [5, 5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 1];

interface Behaviour {
  members: number;
  items: Item[];
  start: number;
  random: () => number;
  log: (line: string) => void;
}

/** One visit: login, search, views, maybe favourite, cart, order; reviews and refunds queued for later days. */
function session(
  b: Behaviour,
  byCategory: Item[][],
  day: number,
  rows: Row[],
  later: Row[][],
  orderNo: () => string,
) {
  const { random } = b;
  const registered = Math.min(b.members, Math.floor(b.members * (0.5 + (day + 1) / 1200)));
  let member = 0;
  for (let tries = 0; tries < 20; tries++) {
    member = Math.floor(random() * registered);
    if (random() < propensity(member)) break;
  }
  let at = b.start + day * DAY_MS + Math.floor(random() * (DAY_MS - 3_600_000));
  const push = (row: Partial<Row> & { type: string }) => {
    at += 5_000 + Math.floor(random() * 120_000);
    rows.push({
      member,
      item: null,
      order: null,
      at,
      quantity: null,
      amount: null,
      rating: null,
      text: null,
      ...row,
    });
  };
  const preferred = Math.floor(hash01(member, 6) * CATEGORIES.length);
  const pick = () => {
    const list = byCategory[random() < 0.7 ? preferred : Math.floor(random() * CATEGORIES.length)] as Item[];
    return list[Math.floor(random() ** 2 * list.length)] as Item;
  };
  if (random() < 0.5) push({ type: 'login' });
  if (random() < 0.15) push({ type: 'search', text: CATEGORIES[preferred]?.[0] as string });
  let item = pick();
  for (let v = 1 + Math.floor(random() * 3); v > 0; v--) {
    item = pick();
    push({ type: 'view', item });
  }
  if (random() < 0.08) push({ type: 'favorite', item });
  const carted = random() < 0.33;
  if (carted) push({ type: 'cart_add', item });
  if (carted ? random() < 0.5 : random() < 0.04) {
    const quantity = random() < 0.85 ? 1 : 2 + Math.floor(random() * 2);
    const order = orderNo();
    push({ type: 'order_paid', item, order, quantity, amount: item.price * quantity });
    if (random() < 0.2) push({ type: 'coupon_use', order });
    const reviewDay = day + 2 + Math.floor(random() * 12);
    if (random() < 0.3 && reviewDay < SPAN_DAYS) {
      const rating = RATINGS[Math.floor(random() * RATINGS.length)] as number;
      later[reviewDay]?.push({
        ...(rows.at(-1) as Row),
        type: 'review',
        order: null,
        quantity: null,
        amount: null,
        rating,
        at: at + (reviewDay - day) * DAY_MS,
      });
    }
    const refundDay = day + 1 + Math.floor(random() * 20);
    if (random() < 0.05 && refundDay < SPAN_DAYS) {
      const amount =
        random() < 0.7 ? item.price * quantity : Math.round(item.price * quantity * (0.3 + 0.5 * random()));
      later[refundDay]?.push({
        ...(rows.find((r) => r.order === order) as Row),
        type: 'order_refunded',
        amount,
        at: at + (refundDay - day) * DAY_MS,
      });
    }
  }
  if (random() < 0.03) push({ type: 'share', item });
}

/** Writes the events day by day (each day's rows in time order, one transaction); returns how many. */
function insertBehaviour(sqlite: BetterSqlite3.Database, b: Behaviour): number {
  const insert = sqlite.prepare(
    `insert into events (id, type, member_id, item_id, order_id, occurred_at, received_at, quantity, price_amount,
       amount, currency, rating, text, device_id, user_agent, channel, content_hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench')`,
  );
  const byCategory: Item[][] = CATEGORIES.map((_, c) => b.items.filter((i) => i.category === c));
  const sessions = (b.members * EVENTS_PER_MEMBER) / EVENTS_PER_SESSION;
  const weightSum = SPAN_DAYS + (SPAN_DAYS - 1) / 2;
  const later: Row[][] = Array.from({ length: SPAN_DAYS }, () => []);
  let n = 0;
  let orders = 0;
  const orderNo = () => `o-${orders++}`;
  for (let day = 0; day < SPAN_DAYS; day++) {
    const rows = later[day] as Row[];
    later[day] = [];
    // The shop grows: the last day has twice the sessions of the first.
    const count = Math.round((sessions * (1 + day / SPAN_DAYS)) / weightSum);
    for (let s = 0; s < count; s++) session(b, byCategory, day, rows, later, orderNo);
    rows.sort((x, y) => x.at - y.at);
    sqlite.transaction(() => {
      for (const r of rows) {
        const channel = CHANNELS[Math.floor(hash01(r.member, 2) * CHANNELS.length)] as keyof typeof AGENTS;
        const agents = AGENTS[channel];
        const agent = agents[Math.floor(hash01(r.member, 5) * agents.length)] ?? null;
        const money = r.amount === null ? null : 'CNY';
        insert.run(
          `e-${String(n++).padStart(10, '0')}`,
          r.type,
          memberIdOf(r.member),
          r.item?.id ?? null,
          r.order,
          r.at,
          r.at,
          r.quantity,
          r.type === 'order_paid' ? (r.item?.price ?? null) : null,
          r.amount,
          money,
          r.rating,
          r.text,
          channel === 'app' ? `d-${r.member}` : null,
          agent,
          channel,
        );
      }
    })();
    if (day % 100 === 99)
      b.log(`million-shop: day ${day + 1}/${SPAN_DAYS}, ${n.toLocaleString('en')} events`);
  }
  return n;
}

export interface BuiltShop {
  now: number;
  items: number;
  events: number;
}

/** Fills a migrated, empty SQLite database: items, members, then the behaviour of two years. */
export function writeShop(
  sqlite: BetterSqlite3.Database,
  members: number,
  seed: number,
  log: (line: string) => void,
): BuiltShop {
  const random = rng(seed);
  const now = Date.UTC(2026, 11, 1);
  const start = now - SPAN_DAYS * DAY_MS;
  const items = buildItems(random);
  insertItems(sqlite, items, start, random);
  insertMembers(sqlite, members, start);
  log(
    `million-shop: ${members.toLocaleString('en')} members and ${ITEMS.toLocaleString('en')} items written`,
  );
  const events = insertBehaviour(sqlite, { members, items, start, random, log });
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('analyze');
  return { now, items: ITEMS, events };
}
