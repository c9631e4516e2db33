import type { TierInput } from './tiers.types.ts';

/**
 * The ladder a new programme starts with, in spend (minor units of CNY) over the programme's
 * window: 1,000 / 5,000 / 20,000 CNY to enter, 80 % of that to keep. A merchant who switches the
 * metric to qualifying points should replace the thresholds too.
 */
export const DEFAULT_TIERS: readonly TierInput[] = [
  {
    id: 'member',
    nameZh: '普通',
    nameEn: 'Member',
    entryThreshold: 0,
    retainThreshold: 0,
    benefits: { earningMultiplier: 1 },
    color: '#8C8C8C',
  },
  {
    id: 'silver',
    nameZh: '白银',
    nameEn: 'Silver',
    entryThreshold: 100_000,
    retainThreshold: 80_000,
    benefits: { earningMultiplier: 1.25, birthdayGift: true },
    color: '#A8A9AD',
  },
  {
    id: 'gold',
    nameZh: '黄金',
    nameEn: 'Gold',
    entryThreshold: 500_000,
    retainThreshold: 400_000,
    benefits: { earningMultiplier: 1.5, freeShipping: true, birthdayGift: true },
    color: '#D4AF37',
  },
  {
    id: 'platinum',
    nameZh: '铂金',
    nameEn: 'Platinum',
    entryThreshold: 2_000_000,
    retainThreshold: 1_600_000,
    benefits: { earningMultiplier: 2, freeShipping: true, birthdayGift: true, prioritySupport: true },
    color: '#6E7F99',
  },
];
