import type { Rng } from './random.ts';

// Shopping intensity over time in China Standard Time: a weekly cycle (weekends higher), an
// evening peak, the 618 and 双11 festivals, 双12, and a lull over 春节 when logistics stop.
// Promotions are the windows with festival prices: higher conversion and discounts.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CST_OFFSET = 8 * HOUR;

/** Monday … Sunday. */
const WEEKDAY_FACTOR = [0.92, 0.9, 0.93, 0.97, 1.05, 1.2, 1.15];
/** Share of sessions by local hour: low at night, lunch bump, peak 20:00–22:00. */
const HOUR_WEIGHTS = [
  2, 1.2, 0.7, 0.4, 0.3, 0.4, 1, 2, 3, 3.5, 4, 4.5, 5.5, 5, 4.2, 4, 4.2, 4.5, 5, 6, 7.5, 8, 7, 4.5,
];
const HOUR_CUMULATIVE = (() => {
  let sum = 0;
  return Float64Array.from(HOUR_WEIGHTS, (w) => {
    sum += w;
    return sum;
  });
})();

/** 春节 (Chinese New Year's Day) by year, as [month (1-based), day]. */
const SPRING_FESTIVAL: Readonly<Record<number, readonly [number, number]>> = {
  2020: [1, 25],
  2021: [2, 12],
  2022: [2, 1],
  2023: [1, 22],
  2024: [2, 10],
  2025: [1, 29],
  2026: [2, 17],
  2027: [2, 6],
  2028: [1, 26],
  2029: [2, 13],
  2030: [2, 3],
};

/** Highest value `dayFactor` can take, for rejection sampling. */
export const MAX_DAY_FACTOR = 3.2 * 1.2;

export interface Promotion {
  name: '618' | 'double11' | 'double12' | 'member_day';
  /** Share taken off shelf prices. */
  discount: number;
  /** Multiplies the chance that a cart becomes an order. */
  conversionBoost: number;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
  weekday: number;
}

function localDate(time: number): LocalDate {
  const d = new Date(time + CST_OFFSET);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: (d.getUTCDay() + 6) % 7,
  };
}

/** Days from the year's 春节 to this date (negative before), or null when the year is not tabled. */
function daysFromSpringFestival(date: LocalDate): number | null {
  const festival = SPRING_FESTIVAL[date.year];
  if (!festival) return null;
  return (
    (Date.UTC(date.year, date.month - 1, date.day) - Date.UTC(date.year, festival[0] - 1, festival[1])) / DAY
  );
}

function festivalFactor(date: LocalDate): number {
  const { month, day } = date;
  if (month === 6 && day === 18) return 3;
  if (month === 6 && day <= 17) return 1.35;
  if (month === 11 && (day === 11 || day === 10)) return 3.2;
  if ((month === 10 && day >= 24) || (month === 11 && day < 10)) return 1.4;
  if (month === 12 && day === 12) return 1.8;
  const fromFestival = daysFromSpringFestival(date);
  if (fromFestival !== null && fromFestival >= -10 && fromFestival <= 7) return 0.55;
  if (fromFestival !== null && fromFestival >= -25 && fromFestival < -10) return 1.15;
  return 1;
}

/** Relative shopping intensity of the local day containing `time` (about 1 on an ordinary day). */
export function dayFactor(time: number): number {
  const date = localDate(time);
  return (WEEKDAY_FACTOR[date.weekday] as number) * festivalFactor(date);
}

/** The promotion running at `time`, if any. */
export function promotionAt(time: number): Promotion | null {
  const { month, day } = localDate(time);
  if (month === 6 && day <= 18)
    return { name: '618', discount: 0.15, conversionBoost: day === 18 ? 1.8 : 1.35 };
  if ((month === 10 && day >= 24) || (month === 11 && day <= 11)) {
    return { name: 'double11', discount: 0.2, conversionBoost: day === 11 && month === 11 ? 2 : 1.4 };
  }
  if (month === 12 && day >= 10 && day <= 12)
    return { name: 'double12', discount: 0.12, conversionBoost: 1.3 };
  if (day === 8) return { name: 'member_day', discount: 0.08, conversionBoost: 1.2 };
  return null;
}

/**
 * A session start in [from, to): days drawn in proportion to `dayFactor` (rejection sampling),
 * the hour from the evening-heavy daily profile. Returns null if it cannot land in the range.
 */
export function sampleSessionTime(rng: Rng, from: number, to: number): number | null {
  if (to - from < HOUR) return null;
  for (let attempt = 0; attempt < 40; attempt++) {
    const candidate = from + rng.next() * (to - from);
    if (rng.next() * MAX_DAY_FACTOR > dayFactor(candidate)) continue;
    const localMidnight = Math.floor((candidate + CST_OFFSET) / DAY) * DAY - CST_OFFSET;
    const time = localMidnight + rng.weighted(HOUR_CUMULATIVE) * HOUR + rng.int(HOUR);
    if (time >= from && time < to) return time;
  }
  return null;
}
