/**
 * The e-commerce fraud data set (`fraud-ecommerce/` in ../shared/BENCHMARKS.md): one row per user's
 * first purchase, `class` 1 = fraud. Loader and point-in-time features.
 *
 * The as-of rule: every feature of a purchase is computed only from rows whose purchase time is at
 * or before it. Timestamps have minute precision, so all purchases of one minute are taken together
 * ("at or before this purchase's minute", this one included); nothing of a later minute is ever
 * seen. Counting devices or IPs over the whole file would leak the label (the January bot burst
 * reuses devices after the fact).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IpCountryTable } from './ip-country.ts';

/** One labelled first purchase. Times are epoch milliseconds (UTC). */
export interface Purchase {
  userId: string;
  signup: number;
  purchase: number;
  value: number;
  device: string;
  source: string;
  browser: string;
  sex: string;
  age: number;
  /** IPv4 as the data set writes it: a decimal number, possibly with a fraction. */
  ip: number;
  /** The IP exactly as written, used as the sharing key. */
  ipText: string;
  label: number;
}

/** "2/24/2015 22:55" (month/day/year, UTC) → epoch ms. */
export function parseFraudTime(text: string): number {
  const [date, time] = text.split(' ');
  const [m, d, y] = date!.split('/').map(Number);
  const [hh, mm] = time!.split(':').map(Number);
  return Date.UTC(y!, m! - 1, d!, hh!, mm!);
}

/**
 * Parses `fraud_data.csv` (BOM and CRLF accepted). Rows without a class or purchase time are
 * dropped: the committed file ends with a truncated row.
 */
export function parseFraudCsv(text: string): Purchase[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: Purchase[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const c = line.split(',');
    if (c.length < 11 || c[10] === '' || c[2] === '') continue;
    out.push({
      userId: c[0]!,
      signup: parseFraudTime(c[1]!),
      purchase: parseFraudTime(c[2]!),
      value: Number(c[3]),
      device: c[4]!,
      source: c[5]!,
      browser: c[6]!,
      sex: c[7]!,
      age: Number(c[8]),
      ip: Number(c[9]),
      ipText: c[9]!,
      label: Number(c[10]),
    });
  }
  return out;
}

/**
 * Reads the IP table of the data set. The committed copy has lower bounds that a spreadsheet
 * rounded (`1.02E+09`; restored, see {@link IpCountryTable.fromCsv}) and ends mid-row (country
 * `Can`): that last row is dropped, as SOURCES.md documents.
 */
export function parseFraudIpTable(text: string): IpCountryTable {
  const lines = text.trimEnd().split(/\r?\n/);
  return IpCountryTable.fromCsv(lines.slice(0, -1).join('\n'), { repairRoundedLowerBounds: true });
}

/** The data set folder's two files, parsed. */
export interface FraudDataset {
  rows: Purchase[];
  ipTable: IpCountryTable;
}

/** Loads `DIR/fraud_data.csv` and `DIR/IpAddress_to_Country.csv`. */
export function loadFraudDataset(dir: string): FraudDataset {
  return {
    rows: parseFraudCsv(readFileSync(join(dir, 'fraud_data.csv'), 'utf8')),
    ipTable: parseFraudIpTable(readFileSync(join(dir, 'IpAddress_to_Country.csv'), 'utf8')),
  };
}

const SOURCES = ['SEO', 'Ads', 'Direct'];
const BROWSERS = ['Chrome', 'IE', 'Safari', 'FireFox', 'Opera'];

/** The 19 features of the GBDT bench (docs/gbdt.md says 20; the list has 19), in column order. */
export const BASE_FEATURES: readonly string[] = [
  'purchase_value',
  'age',
  'purchase_hour',
  'purchase_weekday',
  'signup_hour',
  'seconds_signup_to_purchase',
  ...SOURCES.map((s) => `source_${s}`),
  ...BROWSERS.map((b) => `browser_${b}`),
  'sex_M',
  'device_purchases_so_far',
  'ip_purchases_so_far',
  'seconds_since_device_previous',
  'seconds_since_ip_previous',
];

/** Features added for `membrain eval risk`, after the base ones (docs/risk-eval.md). */
export const EXTRA_FEATURES: readonly string[] = [
  'ip_country_known',
  'country_purchases_so_far',
  'country_share_so_far',
  'purchases_last_hour',
  'quick_purchases_last_hour',
  'value_vs_running_mean',
  'device_mean_seconds_signup_to_purchase_before',
];

/** Base + extra feature names. */
export const RISK_FEATURES: readonly string[] = [...BASE_FEATURES, ...EXTRA_FEATURES];

/** A purchase within this many seconds of signup is "quick" (the bot-burst rule). */
export const QUICK_SECONDS = 60;

/** Row indices in purchase-time order, ties by row index; cut into groups of one minute. */
function minuteGroups(rows: readonly Purchase[]): number[][] {
  const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.purchase - rows[b]!.purchase || a - b);
  const groups: number[][] = [];
  for (let k = 0; k < order.length; ) {
    const t = rows[order[k]!]!.purchase;
    let end = k;
    while (end < order.length && rows[order[end]!]!.purchase === t) end++;
    groups.push(order.slice(k, end));
    k = end;
  }
  return groups;
}

/**
 * Sharing counts as of each purchase: how many purchases (this one included) used the same key at
 * or before this minute, and seconds since the key's previous purchase in an earlier minute (NaN
 * if none).
 */
export function sharingFeatures(
  rows: readonly Purchase[],
  key: (p: Purchase) => string,
): { count: Float64Array; since: Float64Array } {
  const counts = new Map<string, number>();
  const last = new Map<string, number>();
  const count = new Float64Array(rows.length);
  const since = new Float64Array(rows.length);
  for (const group of minuteGroups(rows)) {
    const t = rows[group[0]!]!.purchase;
    for (const i of group) {
      const previous = last.get(key(rows[i]!));
      since[i] = previous === undefined ? Number.NaN : (t - previous) / 1000;
    }
    for (const i of group) counts.set(key(rows[i]!), (counts.get(key(rows[i]!)) ?? 0) + 1);
    for (const i of group) {
      count[i] = counts.get(key(rows[i]!))!;
      last.set(key(rows[i]!), t);
    }
  }
  return { count, since };
}

/** The bench's 19 columns (column-major, NaN = missing), in {@link BASE_FEATURES} order. */
export function buildBaseFeatures(rows: readonly Purchase[]): Float64Array[] {
  const n = rows.length;
  const columns = BASE_FEATURES.map(() => new Float64Array(n));
  const device = sharingFeatures(rows, (p) => p.device);
  const ip = sharingFeatures(rows, (p) => p.ipText);
  rows.forEach((p, i) => {
    const purchase = new Date(p.purchase);
    const values = [
      p.value,
      p.age,
      purchase.getUTCHours(),
      purchase.getUTCDay(),
      new Date(p.signup).getUTCHours(),
      (p.purchase - p.signup) / 1000,
      ...SOURCES.map((s) => (p.source === s ? 1 : 0)),
      ...BROWSERS.map((b) => (p.browser === b ? 1 : 0)),
      p.sex === 'M' ? 1 : 0,
      device.count[i]!,
      ip.count[i]!,
      device.since[i]!,
      ip.since[i]!,
    ];
    values.forEach((v, f) => {
      columns[f]![i] = v;
    });
  });
  return columns;
}

/**
 * The extra columns, in {@link EXTRA_FEATURES} order, each as of the purchase's minute:
 * - `ip_country_known`: 1 when the IP falls in a range of the table;
 * - `country_purchases_so_far`, `country_share_so_far`: purchases from the same country (unknown
 *   countries pooled as one) at or before this minute, and that count over all purchases so far;
 * - `purchases_last_hour`, `quick_purchases_last_hour`: purchases, and purchases made within
 *   {@link QUICK_SECONDS} of signup, in the hour ending at this minute (this one included) — a
 *   burst detector that needs no label;
 * - `value_vs_running_mean`: purchase value over the mean value of all purchases so far;
 * - `device_mean_seconds_signup_to_purchase_before`: mean signup-to-purchase seconds of the
 *   device's purchases in earlier minutes (NaN if none).
 * User ids are unique in this data set (one first purchase per user), so "distinct users per
 * device/IP" would equal the purchase counts already in the base features.
 */
export function buildExtraFeatures(rows: readonly Purchase[], ipTable: IpCountryTable): Float64Array[] {
  const n = rows.length;
  const columns = EXTRA_FEATURES.map(() => new Float64Array(n));
  const [known, countryCount, countryShare, lastHour, quickLastHour, valueRatio, deviceMean] = columns as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const country = rows.map((p) => ipTable.lookup(p.ip));
  const countryCounts = new Map<string, number>();
  const deviceSeconds = new Map<string, { sum: number; count: number }>();
  const groups = minuteGroups(rows);
  // Sliding one-hour window over the groups (inclusive of this minute, exclusive of t − 1 h).
  let windowStart = 0;
  let windowCount = 0;
  let windowQuick = 0;
  let total = 0;
  let valueSum = 0;
  const isQuick = (p: Purchase) => (p.purchase - p.signup) / 1000 <= QUICK_SECONDS;
  for (const group of groups) {
    const t = rows[group[0]!]!.purchase;
    // Reads that must not include this minute.
    for (const i of group) {
      const d = deviceSeconds.get(rows[i]!.device);
      deviceMean[i] = d ? d.sum / d.count : Number.NaN;
    }
    // Take this minute in.
    for (const i of group) {
      const p = rows[i]!;
      const key = country[i] ?? '';
      countryCounts.set(key, (countryCounts.get(key) ?? 0) + 1);
      total++;
      valueSum += p.value;
      windowCount++;
      if (isQuick(p)) windowQuick++;
    }
    while (rows[groups[windowStart]![0]!]!.purchase <= t - 3_600_000) {
      for (const i of groups[windowStart]!) {
        windowCount--;
        if (isQuick(rows[i]!)) windowQuick--;
      }
      windowStart++;
    }
    for (const i of group) {
      const p = rows[i]!;
      const c = countryCounts.get(country[i] ?? '')!;
      known[i] = country[i] === undefined ? 0 : 1;
      countryCount[i] = c;
      countryShare[i] = c / total;
      lastHour[i] = windowCount;
      quickLastHour[i] = windowQuick;
      valueRatio[i] = p.value / (valueSum / total);
    }
    for (const i of group) {
      const p = rows[i]!;
      const d = deviceSeconds.get(p.device) ?? { sum: 0, count: 0 };
      d.sum += (p.purchase - p.signup) / 1000;
      d.count++;
      deviceSeconds.set(p.device, d);
    }
  }
  return columns;
}

/** All {@link RISK_FEATURES} columns. */
export function buildRiskFeatures(rows: readonly Purchase[], ipTable: IpCountryTable): Float64Array[] {
  return [...buildBaseFeatures(rows), ...buildExtraFeatures(rows, ipTable)];
}
