// The behaviour profile on the member's value panel: recency, frequency and money, activity,
// cart abandonment, refunds, rating, price band, top categories, and events by channel and device.
import { useMemo } from 'react';
import type { MemberProfile } from '../api/intelligence-types.ts';
import { formatDateTime, formatMoney, formatNumber } from '../lib/format.ts';
import { PALETTE } from './chart-theme.ts';
import { horizontalBarsOption } from './value-charts.ts';
import { ChartBox, formatPercent, type IntelText } from './value-widgets.tsx';

function entries(record: Record<string, number> | undefined): { label: string; value: number }[] {
  return Object.entries(record ?? {})
    .filter(([, n]) => n > 0)
    .map(([label, value]) => ({ label, value }));
}

/** The profile summary; a chart of events by channel (indigo) and by device (blue). */
export function ProfileSummary({ profile, text }: { profile: MemberProfile; text: IntelText }) {
  const { t, locale } = text;
  const usage = useMemo(() => {
    // Channels first, then devices, each in its own colour.
    const rows = [
      ...entries(profile.channels).map((r) => ({
        ...r,
        label: t('mv.channelLabel', { name: r.label }),
        color: PALETTE[0],
      })),
      ...entries(profile.devices).map((r) => ({
        ...r,
        label: t('mv.deviceLabel', { name: r.label }),
        color: PALETTE[4],
      })),
    ];
    return { rows, option: horizontalBarsOption(rows, t('mv.channelsSeries'), locale) };
  }, [profile, t, locale]);
  const facts: [string, string, string?][] = [
    [
      t('mv.recency'),
      profile.recencyDays === null
        ? t('mv.noOrders')
        : t('mv.recencyValue', { n: formatNumber(profile.recencyDays, locale) }),
      'profile-recency',
    ],
    [t('mv.frequency'), formatNumber(profile.frequency, locale), 'profile-frequency'],
    [t('mv.monetary'), formatMoney(profile.monetary, locale), 'profile-monetary'],
    [t('mv.aov'), profile.averageOrderValue ? formatMoney(profile.averageOrderValue, locale) : '—'],
    [
      t('mv.interval'),
      profile.purchaseIntervalDays === null
        ? '—'
        : t('common.days', { n: formatNumber(Math.round(profile.purchaseIntervalDays), locale) }),
    ],
    [t('mv.activeDays'), formatNumber(profile.activeDays, locale)],
    [t('mv.cartAbandonment'), formatPercent(profile.cartAbandonmentRate, locale)],
    [
      t('mv.refundRate'),
      `${formatPercent(profile.refundRate, locale)} · ${t('mv.refunds', { n: profile.refunds })}`,
    ],
    [
      t('mv.rating'),
      profile.meanRating === null
        ? '—'
        : t('mv.ratingValue', {
            rating: formatNumber(Math.round(profile.meanRating * 10) / 10, locale),
            n: profile.reviews,
          }),
    ],
  ];
  if (profile.priceBand) facts.push([t('mv.priceBand'), t(`band.${profile.priceBand}` as 'band.mid')]);
  return (
    <section aria-labelledby="value-profile-h" data-testid="member-profile-summary">
      <h3 id="value-profile-h" className="intel-h3">
        {t('mv.profile')} <span className="muted small">· {t('mv.rfm')}</span>
      </h3>
      <div className="value-columns">
        <dl className="profile-grid">
          {facts.map(([label, value, testId]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd data-testid={testId}>{value}</dd>
            </div>
          ))}
          <div className="span-2">
            <dt>{t('mv.topCategories')}</dt>
            <dd data-testid="profile-top-categories">
              {profile.topCategories.length === 0
                ? '—'
                : profile.topCategories.map((c) => (
                    <span key={c.name} className="chip static">
                      {c.name}
                    </span>
                  ))}
            </dd>
          </div>
        </dl>
        <ChartBox
          testId="chart-member-channels"
          title={t('mv.channels')}
          option={usage.option}
          points={usage.rows.length}
          height={Math.max(120, usage.rows.length * 26 + 24)}
        />
      </div>
      {profile.updatedAt && (
        <p className="muted small">
          {t('mv.profileUpdated', { when: formatDateTime(profile.updatedAt, locale) })}
        </p>
      )}
    </section>
  );
}
