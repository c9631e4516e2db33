import { CATEGORY_SPECS } from './catalog-data.ts';
import {
  CITIES,
  cityIpBlock,
  EMAIL_DOMAINS,
  EMAIL_WORDS,
  ENGLISH_FEMALE,
  ENGLISH_MALE,
  ENGLISH_SURNAMES,
  GIVEN_COMMON,
  GIVEN_FEMALE,
  GIVEN_MALE,
  PHONE_PREFIXES,
  ROADS,
  SURNAMES,
  USER_AGENTS,
} from './people-data.ts';
import { cumulativeOf, Rng, streamSeed } from './random.ts';

export type Channel = 'app' | 'web' | 'mini-program';

export interface Device {
  deviceId: string;
  userAgent: string;
  channel: Channel;
}

/** The hidden traits that drive a member's behaviour; never stored with the member. */
export interface MemberLatent {
  /** Interest over categories (Dirichlet-like: a few dominant). */
  prefs: Float64Array;
  prefCumulative: Float64Array;
  /** Favourite brand index per category, -1 for none. */
  favouriteBrand: Int8Array;
  /** How strongly the favourite brand wins (0..1). */
  brandLoyalty: number;
  /** Preferred price level in within-category z units, and tolerance around it. */
  pricePref: number;
  priceTolerance: number;
  /** Expected shopping sessions per day while active. */
  sessionsPerDay: number;
  /** Multiplies the funnel rates (cart, order). */
  buyPropensity: number;
  /** When the member lapses (no more sessions), or null when still active at the end. */
  churnAt: number | null;
}

export interface DemoMember {
  index: number;
  id: string;
  registeredAt: number;
  gender: 'female' | 'male';
  locale: 'zh-CN' | 'en-US';
  channel: Channel;
  cityIndex: number;
  region: string;
  name: string;
  email: string;
  phone: string;
  birthday: string;
  address: string;
  devices: Device[];
  ips: string[];
  consents: Record<string, { granted: boolean; at: string }>;
  acquisition: string;
  latent: MemberLatent;
}

/** What an abuse plan fixes about a member instead of drawing it. */
export interface MemberOverride {
  registeredAt?: number;
  device?: Device;
  ip?: string;
  /** Throwaway accounts: random-word emails, virtual-carrier phones, short lives. */
  disposable?: boolean;
}

export interface MemberWindow {
  start: number;
  end: number;
  /** Number of members in the run (sizes the unique number in emails). */
  population: number;
}

const DAY = 86_400_000;
const CITY_CUMULATIVE = cumulativeOf(CITIES.map((c) => c[2]));
const SURNAME_CUMULATIVE = cumulativeOf(SURNAMES.map((s) => s[2]));
const DOMAIN_CUMULATIVE = cumulativeOf(EMAIL_DOMAINS.map((d) => d[1]));
const CHANNELS: readonly Channel[] = ['app', 'mini-program', 'web'];
const CHANNEL_CUMULATIVE = cumulativeOf([55, 30, 15]);
const CATEGORY_WEIGHTS = CATEGORY_SPECS.map((c) => c.weight);
const MEAN_CATEGORY_WEIGHT = CATEGORY_WEIGHTS.reduce((s, w) => s + w, 0) / CATEGORY_WEIGHTS.length;

/** Store id of the member with this index: `m0000001`. */
export function memberId(index: number): string {
  return `m${String(index + 1).padStart(7, '0')}`;
}

/**
 * A bijection of [0, 10^digits): an affine map with a multiplier coprime to 10. Appending it
 * to emails and phones makes them unique without remembering which were taken.
 */
export function uniqueNumber(index: number, digits: number, salt: number): string {
  const modulus = 10 ** digits;
  const value = (((index * 7_368_787 + salt) % modulus) + modulus) % modulus;
  return String(value).padStart(digits, '0');
}

/** Draws one member (profile, contact data, devices, latent traits) from its own stream. */
export function createMember(
  seed: number,
  index: number,
  window: MemberWindow,
  override: MemberOverride = {},
): DemoMember {
  const rng = Rng.stream(seed, 'member', index);
  const gender = rng.chance(0.56) ? 'female' : 'male';
  const locale = rng.chance(0.9) ? 'zh-CN' : 'en-US';
  const cityIndex = rng.weighted(CITY_CUMULATIVE);
  const city = CITIES[cityIndex] as (typeof CITIES)[number];
  const channel = override.device?.channel ?? (CHANNELS[rng.weighted(CHANNEL_CUMULATIVE)] as Channel);
  const english = locale === 'en-US' ? rng.chance(0.8) : rng.chance(0.03);
  const person = english ? englishName(rng, gender) : chineseName(rng, gender);
  const span = window.end - window.start;
  // Sign-ups grow over the window (u^0.8 leans late), as a growing shop's do.
  const registeredAt = override.registeredAt ?? Math.floor(window.start + span * rng.next() ** 0.8);
  const emailDigits = Math.max(5, String(window.population).length + 1);
  const latent = drawLatent(rng, registeredAt, window.end, override.disposable === true);
  const devices = override.device ? [override.device] : drawDevices(rng, channel);
  const block = cityIpBlock(cityIndex);
  const consentAt = new Date(registeredAt).toISOString();
  return {
    index,
    id: memberId(index),
    registeredAt,
    gender,
    locale,
    channel,
    cityIndex,
    region: city[0],
    name: person.name,
    email: drawEmail(
      rng,
      person.local,
      uniqueNumber(index, emailDigits, streamSeed(seed, ['email'])),
      override.disposable === true,
    ),
    phone: drawPhone(rng, uniqueNumber(index, 8, streamSeed(seed, ['phone'])), override.disposable === true),
    birthday: drawBirthday(rng, window.end),
    address: `${city[1]}市${rng.chance(0.5) ? city[3] : city[4]}${rng.pick(ROADS)}${rng.between(1, 999)}号${rng.between(1, 30)}栋${rng.between(1, 32)}0${rng.between(1, 6)}室`,
    devices,
    ips: override.ip
      ? [override.ip]
      : [
          `${block}.${rng.int(256)}.${rng.between(1, 254)}`,
          `${block}.${rng.int(256)}.${rng.between(1, 254)}`,
        ],
    consents: {
      marketingEmail: { granted: rng.chance(0.45), at: consentAt },
      marketingSms: { granted: rng.chance(0.3), at: consentAt },
    },
    acquisition: rng.pick(['organic', 'organic', 'search_ads', 'social', 'referral', 'livestream']),
    latent,
  };
}

function chineseName(rng: Rng, gender: 'female' | 'male'): { name: string; local: string } {
  const [surname, surnamePinyin] = SURNAMES[rng.weighted(SURNAME_CUMULATIVE)] as (typeof SURNAMES)[number];
  const pool = rng.chance(0.35) ? GIVEN_COMMON : gender === 'female' ? GIVEN_FEMALE : GIVEN_MALE;
  const first = rng.pick(pool);
  const second = rng.chance(0.7) ? rng.pick(gender === 'female' ? GIVEN_FEMALE : GIVEN_MALE) : null;
  const given = `${first[0]}${second?.[0] ?? ''}`;
  const givenPinyin = `${first[1]}${second?.[1] ?? ''}`;
  const local = rng.chance(0.5) ? `${surnamePinyin}${givenPinyin}` : `${givenPinyin}.${surnamePinyin}`;
  return { name: `${surname}${given}`, local };
}

function englishName(rng: Rng, gender: 'female' | 'male'): { name: string; local: string } {
  const first = rng.pick(gender === 'female' ? ENGLISH_FEMALE : ENGLISH_MALE);
  const last = rng.pick(ENGLISH_SURNAMES);
  return { name: `${first} ${last}`, local: `${first}.${last}`.toLowerCase() };
}

/** Email local parts end in a unique number, so addresses never collide. */
function drawEmail(rng: Rng, nameLocal: string, unique: string, disposable: boolean): string {
  const domain = (EMAIL_DOMAINS[rng.weighted(DOMAIN_CUMULATIVE)] as (typeof EMAIL_DOMAINS)[number])[0];
  if (disposable || rng.chance(0.2))
    return `${rng.pick(EMAIL_WORDS)}${rng.pick(EMAIL_WORDS)}${unique}@${domain}`;
  if (domain === 'qq.com' && rng.chance(0.6)) return `${rng.between(1, 9)}${unique}@qq.com`;
  return `${nameLocal}${unique}@${domain}`;
}

/** `1[3-9]x` + 8 unique digits; throwaway accounts use virtual-carrier prefixes (170/171). */
function drawPhone(rng: Rng, unique: string, disposable: boolean): string {
  return `${disposable ? rng.pick(['170', '171']) : rng.pick(PHONE_PREFIXES)}${unique}`;
}

/** Birth years 1960–2006, most members 25–40 years old. */
function drawBirthday(rng: Rng, now: number): string {
  const currentYear = new Date(now).getUTCFullYear();
  const age = rng.chance(0.7) ? 32.5 + rng.normal() * 5 : rng.uniform(20, 66);
  const year = Math.min(2006, Math.max(1960, Math.round(currentYear - age)));
  const month = rng.between(1, 12);
  const day = rng.between(1, month === 2 ? 28 : 30);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function drawDevices(rng: Rng, channel: Channel): Device[] {
  const devices = [drawDevice(rng, channel)];
  if (rng.chance(0.3)) devices.push(drawDevice(rng, CHANNELS[rng.weighted(CHANNEL_CUMULATIVE)] as Channel));
  return devices;
}

/** A fresh device id and a user agent that fits the channel. */
export function drawDevice(rng: Rng, channel: Channel): Device {
  const agents = USER_AGENTS[channel === 'mini-program' ? 'mini_program' : channel];
  return { deviceId: `dv_${rng.chars('0123456789abcdef', 16)}`, userAgent: rng.pick(agents), channel };
}

function drawLatent(rng: Rng, registeredAt: number, end: number, disposable: boolean): MemberLatent {
  const raw = CATEGORY_WEIGHTS.map((w) => rng.gamma((0.35 * w) / MEAN_CATEGORY_WEIGHT));
  const sum = raw.reduce((s, v) => s + v, 0) || 1;
  const prefs = Float64Array.from(raw, (v) => v / sum);
  const favouriteBrand = Int8Array.from(CATEGORY_SPECS, (c) =>
    rng.chance(0.55) ? rng.int(c.brands.length) : -1,
  );
  // Lapse: a quarter leave within weeks; the rest have a months-long exponential lifetime.
  const lifetime = rng.chance(0.25)
    ? rng.exponential(20 * DAY)
    : rng.exponential(rng.uniform(150, 600) * DAY);
  const churnAt = disposable ? registeredAt + rng.uniform(1, 3) * DAY : registeredAt + lifetime;
  return {
    prefs,
    prefCumulative: cumulativeOf(Array.from(prefs)),
    favouriteBrand,
    brandLoyalty: rng.uniform(0.2, 0.9),
    pricePref: rng.normal() * 0.7,
    priceTolerance: rng.uniform(0.6, 1.4),
    sessionsPerDay: rng.logNormal(Math.log(1.2 / 30), 0.9),
    buyPropensity: rng.logNormal(0, 0.4),
    churnAt: churnAt < end ? Math.floor(churnAt) : null,
  };
}
