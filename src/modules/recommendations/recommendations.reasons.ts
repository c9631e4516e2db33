import type { Reason } from './recommendations.types.ts';

// The one place reason texts are written, in English and Chinese, so lists precomputed by the
// training job and lists scored at request time read the same.

/** What a reason names of an item: its id and titles (the English title when the store gave one). */
export interface ItemLabel {
  id: string;
  title: string;
  titleEn?: string | null | undefined;
}

/** Behaviours a history reason can name, strongest last. */
export type HistoryBehaviour = 'viewed' | 'favorited' | 'carted' | 'bought';

const HISTORY_TEXT: Record<HistoryBehaviour, { en: (t: string) => string; zh: (t: string) => string }> = {
  bought: { en: (t) => `Because you bought ${t}`, zh: (t) => `因为您购买了 ${t}` },
  carted: { en: (t) => `Because you added ${t} to your cart`, zh: (t) => `因为您将 ${t} 加入了购物车` },
  favorited: { en: (t) => `Because you saved ${t}`, zh: (t) => `因为您收藏了 ${t}` },
  viewed: { en: (t) => `Because you viewed ${t}`, zh: (t) => `因为您浏览了 ${t}` },
};

const en = (item: ItemLabel) => item.titleEn ?? item.title;

/** "Because you bought X": the history item that contributed most to the score. */
export function historyReason(behaviour: HistoryBehaviour, item: ItemLabel): Reason {
  const text = HISTORY_TEXT[behaviour];
  return {
    code: behaviour,
    text: text.en(en(item)),
    textZh: text.zh(item.title),
    itemId: item.id,
    itemTitle: item.title,
  };
}

/** "Similar to X", for item-to-item lists. */
export function similarReason(item: ItemLabel): Reason {
  return {
    code: 'similar',
    text: `Similar to ${en(item)}`,
    textZh: `与 ${item.title} 相似`,
    itemId: item.id,
    itemTitle: item.title,
  };
}

/** A personal score whose model cannot name the history item behind it (ALS factors, say). */
export function tasteReason(): Reason {
  return { code: 'similar', text: 'Picked for you from your activity', textZh: '根据您的浏览和购买为您挑选' };
}

/** "Because you looked at X", for anonymous sessions. */
export function sessionReason(item: ItemLabel): Reason {
  return {
    code: 'session',
    text: `Because you looked at ${en(item)}`,
    textZh: `因为您刚刚看过 ${item.title}`,
    itemId: item.id,
    itemTitle: item.title,
  };
}

export function segmentReason(segment: { id: string; name: string }): Reason {
  return {
    code: 'popular-segment',
    text: `Popular in your segment ${segment.name}`,
    textZh: `在您所在的会员群体“${segment.name}”中很受欢迎`,
    segmentId: segment.id,
    segmentName: segment.name,
  };
}

export function cityReason(city: string): Reason {
  return { code: 'popular-city', text: `Popular in ${city}`, textZh: `在${city}很受欢迎`, city };
}

/** Age bands as the training job keys them. */
export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export function ageBandReason(band: AgeBand): Reason {
  if (band === '55+') {
    return {
      code: 'popular-age-band',
      text: 'Popular with members aged 55 and over',
      textZh: '深受 55 岁及以上会员喜爱',
      ageBand: band,
    };
  }
  const range = band.replace('-', '–');
  return {
    code: 'popular-age-band',
    text: `Popular with members aged ${range}`,
    textZh: `深受 ${range} 岁会员喜爱`,
    ageBand: band,
  };
}

/** The band of an age in whole years, or null under 18 (no band). */
export function ageBandOf(age: number): AgeBand | null {
  if (age < 18) return null;
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 45) return '35-44';
  if (age < 55) return '45-54';
  return '55+';
}

/** "Popular in the shop", or "Popular in 手机数码" for a category's best sellers. */
export function popularReason(category?: string): Reason {
  if (category === undefined) return { code: 'popular', text: 'Popular in the shop', textZh: '全店热门' };
  return { code: 'popular', text: `Popular in ${category}`, textZh: `${category}热门`, category };
}

export function trendingReason(): Reason {
  return { code: 'trending', text: 'Trending now', textZh: '近期热门' };
}

/** "Matches your interests: 手机数码", from what a new member chose when joining. */
export function onboardingReason(category: string): Reason {
  return {
    code: 'onboarding',
    text: `Matches your interests: ${category}`,
    textZh: `符合您的兴趣：${category}`,
    category,
  };
}
