import type { Rng } from './random.ts';

// Review texts assembled from sentence parts, one set per star band, in Chinese and English,
// so the wording varies while its sentiment always matches the stars (a sentiment model can
// learn from it, and the words below are what a test or a keyword extractor will find).

interface Band {
  openers: readonly string[];
  aspects: readonly string[];
  closers: readonly string[];
}

const ZH: Readonly<Record<1 | 2 | 3 | 4 | 5, Band>> = {
  5: {
    openers: ['非常满意！', '超出预期，', '太喜欢了，', '好评！', '五星好评，'],
    aspects: [
      '质量很好',
      '做工精细',
      '物流很快',
      '包装很用心',
      '性价比很高',
      '和描述的一模一样',
      '客服态度很好',
    ],
    closers: ['会回购的。', '强烈推荐！', '下次还来。', '已经推荐给朋友了。'],
  },
  4: {
    openers: ['挺好的，', '整体不错，', '比较满意，'],
    aspects: ['质量不错', '做工还可以', '发货挺快', '包装完好', '价格实惠'],
    closers: ['就是物流稍慢了一点。', '小瑕疵不影响使用。', '值得购买。'],
  },
  3: {
    openers: ['一般般，', '还行吧，', '中规中矩，'],
    aspects: ['质量中规中矩', '和价格相符', '没有特别惊喜', '包装普通', '物流正常'],
    closers: ['凑合用。', '再观察一段时间。', '不好不坏。'],
  },
  2: {
    openers: ['有点失望，', '不太理想，'],
    aspects: ['质量一般', '做工粗糙', '物流太慢', '有明显色差', '有异味'],
    closers: ['不会再买了。', '性价比不高。', '希望商家改进。'],
  },
  1: {
    openers: ['非常失望！', '太差了，', '差评！'],
    aspects: ['质量很差', '收到就坏了', '和描述严重不符', '客服不理人', '像是二手的'],
    closers: ['已经申请退货。', '大家慎重购买。', '再也不会买了。'],
  },
};

const EN: Readonly<Record<1 | 2 | 3 | 4 | 5, Band>> = {
  5: {
    openers: ['Absolutely love it!', 'Excellent purchase.', 'Great product!', 'Exceeded my expectations.'],
    aspects: [
      'great quality',
      'fast delivery',
      'beautifully packaged',
      'excellent value',
      'exactly as described',
      'very helpful support',
    ],
    closers: ['Highly recommend.', 'Will buy again.', 'Five stars.'],
  },
  4: {
    openers: ['Pretty good.', 'Happy with it overall.', 'Good purchase.'],
    aspects: ['good quality', 'decent finish', 'arrived quickly', 'well packed', 'fair price'],
    closers: ['Delivery was a bit slow though.', 'Minor flaws, works fine.', 'Worth buying.'],
  },
  3: {
    openers: ['It is okay.', 'Average.', 'Nothing special.'],
    aspects: [
      'quality is average',
      'you get what you pay for',
      'no surprises',
      'plain packaging',
      'normal delivery',
    ],
    closers: ['It will do.', 'Neither good nor bad.', 'Will see how it holds up.'],
  },
  2: {
    openers: ['A bit disappointed.', 'Not very satisfied.'],
    aspects: [
      'mediocre quality',
      'rough finish',
      'very slow delivery',
      'colour differs from photos',
      'strange smell',
    ],
    closers: ['Would not buy again.', 'Poor value.', 'The seller should improve.'],
  },
  1: {
    openers: ['Very disappointed!', 'Terrible.', 'Awful product.'],
    aspects: [
      'poor quality',
      'arrived broken',
      'nothing like the description',
      'support never replied',
      'looks used',
    ],
    closers: ['Returned it.', 'Avoid.', 'Never again.'],
  },
};

/** Words only the 4–5 star texts contain, and only the 1–2 star texts contain. */
export const POSITIVE_MARKERS = ['满意', '推荐', '好评', '喜欢', 'love', 'great', 'recommend', 'excellent'];
export const NEGATIVE_MARKERS = ['失望', '差', '不会再买', 'disappointed', 'terrible', 'poor', 'awful'];

/** Stars from the item's latent quality plus taste noise; skewed high like real shops. */
export function drawRating(rng: Rng, quality: number): number {
  return Math.min(5, Math.max(1, Math.round(1.4 + 4 * quality + rng.normal() * 0.9)));
}

/** A review text for the stars in the member's language, naming the item's kind sometimes. */
export function reviewText(rng: Rng, rating: number, english: boolean, noun: string): string {
  const band = (english ? EN : ZH)[Math.min(5, Math.max(1, rating)) as 1 | 2 | 3 | 4 | 5];
  const first = rng.pick(band.aspects);
  let second = rng.pick(band.aspects);
  if (second === first)
    second = band.aspects[(band.aspects.indexOf(first) + 1) % band.aspects.length] as string;
  if (english) {
    const lead = rng.chance(0.4) ? `The ${noun.toLowerCase()}: ` : '';
    return `${rng.pick(band.openers)} ${lead}${capitalise(first)}, ${second}. ${rng.pick(band.closers)}`;
  }
  const lead = rng.chance(0.4) ? `这款${noun}` : '';
  return `${rng.pick(band.openers)}${lead}${first}，${second}，${rng.pick(band.closers)}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
