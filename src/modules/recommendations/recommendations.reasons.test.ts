import { describe, expect, it } from 'vitest';
import { ageInYears } from './recommendations.cold-start.ts';
import {
  ageBandOf,
  ageBandReason,
  historyReason,
  onboardingReason,
  popularReason,
  segmentReason,
} from './recommendations.reasons.ts';

const phone = { id: 'ph1', title: '华为手机', titleEn: 'Huawei phone' };

describe('reasons', () => {
  it('names the behaviour and the item, with the English title in English', () => {
    expect(historyReason('bought', phone)).toEqual({
      code: 'bought',
      text: 'Because you bought Huawei phone',
      textZh: '因为您购买了 华为手机',
      itemId: 'ph1',
      itemTitle: '华为手机',
    });
    expect(historyReason('carted', phone).text).toBe('Because you added Huawei phone to your cart');
    expect(historyReason('favorited', { id: 'x', title: '茶' })).toMatchObject({
      text: 'Because you saved 茶',
      textZh: '因为您收藏了 茶',
    });
  });

  it('names the audience of a popular list', () => {
    expect(segmentReason({ id: 'seg_1', name: '高价值会员' })).toEqual({
      code: 'popular-segment',
      text: 'Popular in your segment 高价值会员',
      textZh: '在您所在的会员群体“高价值会员”中很受欢迎',
      segmentId: 'seg_1',
      segmentName: '高价值会员',
    });
    expect(ageBandReason('55+').text).toBe('Popular with members aged 55 and over');
    expect(ageBandReason('18-24').textZh).toBe('深受 18–24 岁会员喜爱');
    expect(popularReason('手机数码')).toMatchObject({ text: 'Popular in 手机数码', category: '手机数码' });
    expect(onboardingReason('美妆').textZh).toBe('符合您的兴趣：美妆');
  });

  it('places ages in the training job’s bands', () => {
    expect([17, 18, 24, 25, 34, 35, 54, 55, 90].map(ageBandOf)).toEqual([
      null,
      '18-24',
      '18-24',
      '25-34',
      '25-34',
      '35-44',
      '45-54',
      '55+',
      '55+',
    ]);
    const now = Date.UTC(2026, 0, 15);
    expect(ageInYears('1996-01-15', now)).toBe(30);
    expect(ageInYears('1996-01-16', now)).toBe(29);
    expect(ageInYears('not a date', now)).toBeNull();
  });
});
