// Texts of the tier override form on the member page (loaded with the member's loyalty panels).
import type { PageMessages, PageTranslate } from './i18n.tsx';

const en = {
  open: 'Override tier…',
  title: 'Override the tier',
  intro:
    'Pins the member to a tier whatever they earn, until the date or until ended. Recorded in the history and the audit log.',
  tier: 'Tier',
  until: 'Until (end of day, UTC)',
  untilHint: 'Empty: until someone ends it.',
  reason: 'Reason',
  reasonPlaceholder: 'e.g. VIP after a complaint',
  reasonHint: 'Required. Kept in the history and the audit log under your name.',
  reasonRequired: 'Give a reason.',
  chooseTier: 'Choose a tier.',
  submit: 'Set override',
  end: 'End override…',
  endTitle: 'End the override',
  endIntro: 'The member goes back to the tier they earned.',
  endSubmit: 'End override',
  busy: 'Saving…',
  cancel: 'Cancel',
  set: 'Override set.',
  ended: 'Override ended.',
  failed: 'Not saved: {message}',
};

type OverrideKey = keyof typeof en;

const zhCN: Record<OverrideKey, string> = {
  open: '手动设置等级…',
  title: '手动设置等级',
  intro: '无论会员实际达到哪个等级，都固定为所选等级，直到指定日期或被结束。会记录在等级历史和审计日志中。',
  tier: '等级',
  until: '截止（当天结束，UTC）',
  untilHint: '留空：直到有人结束它。',
  reason: '原因',
  reasonPlaceholder: '例如：投诉后给予 VIP',
  reasonHint: '必填。以你的名义记录在等级历史和审计日志中。',
  reasonRequired: '请填写原因。',
  chooseTier: '请选择等级。',
  submit: '设置',
  end: '结束手动等级…',
  endTitle: '结束手动等级',
  endIntro: '会员将恢复为其实际达到的等级。',
  endSubmit: '结束',
  busy: '保存中…',
  cancel: '取消',
  set: '已设置手动等级。',
  ended: '已结束手动等级。',
  failed: '未保存：{message}',
};

export const overrideMessages: PageMessages<OverrideKey> = { en, 'zh-CN': zhCN };

export type OverrideTranslate = PageTranslate<OverrideKey>;
