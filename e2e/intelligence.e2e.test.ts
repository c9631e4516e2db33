// Member intelligence in a browser: the value overview retrained from its button and drawing its
// charts; a member's value panel (CLV, P(alive), churn risk with its reasons in both languages,
// tier forecast, segments, profile) and a member without purchases; the clusters page with its
// cards, members, "Save as segment" and a new run. The demo shop gets some extra purchase
// history first, so that the churn model has enough members to learn from.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, runJob } from '../src/modules/jobs/index.ts';
import { type ApiClient, apiAs } from './support/api.ts';
import {
  byTestId,
  hasChromium,
  launchBrowser,
  loginAs,
  openAs,
  openPage,
  saveScreenshot,
  textOf,
} from './support/browser.ts';
import { type E2eServer, startServer } from './support/server.ts';

const DAY_MS = 86_400_000;

interface MemberValue {
  status: string;
  clv: { amount: number; currency: string };
  pAlive: number;
  churnRisk: number | null;
  churnReasons: { feature: string; label: { en: string; zh: string } }[];
  tierMove: number;
}

interface Overview {
  scored: number;
  totalClv: { amount: number };
  totalExpectedSpend: { amount: number };
  model: { id: string; metrics: { churn: { auc: number | null } | null } } | null;
  movers: { up: number; down: number };
}

interface ClusterRun {
  id: string;
  k: number;
  clusters: { index: number; size: number; description: { en: string; zh: string } }[];
}

/**
 * Order history for members who never bought: three orders before the value model's calibration
 * cut (90 days back) for each, and one within the last 90 days for every other one, so the churn
 * model sees both outcomes among enough members (the demo's own 300 give fewer than the 100 it
 * needs).
 */
async function addPurchaseHistory(server: E2eServer, api: ApiClient, members: number): Promise<string[]> {
  const buyers = await server.ctx.db
    .selectFrom('events')
    .select('memberId')
    .where('type', '=', 'order_paid')
    .distinct()
    .execute();
  const bought = new Set(buyers.map((b) => b.memberId));
  const rows = await server.ctx.db.selectFrom('members').select('id').orderBy('id').execute();
  const quiet = rows.map((r) => r.id).filter((id) => !bought.has(id));
  const now = Date.now();
  const events = quiet.slice(0, members).flatMap((memberId, i) =>
    [300, 220, 140, ...(i % 2 === 0 ? [30] : [])].map((daysAgo) => ({
      id: `e2e-order-${memberId}-${daysAgo}`,
      type: 'order_paid',
      memberId,
      itemId: 'sku-00001',
      orderId: `e2e-${memberId}-${daysAgo}`,
      occurredAt: new Date(now - daysAgo * DAY_MS).toISOString(),
      amount: { amount: 19_900 + i * 100, currency: 'CNY' },
    })),
  );
  await api.post('/v1/events', { events });
  return quiet.slice(members);
}

/** Runs a job to its end in the test process (the e2e server has no background worker). */
async function runToEnd(server: E2eServer, type: string): Promise<void> {
  const job = await createJob(server.ctx, type, {}, null);
  const done = await runJob(server.ctx, job.id);
  if (done?.status !== 'succeeded') throw new Error(`${type}: ${done?.status} ${done?.error}`);
}

describe.skipIf(!hasChromium)('member intelligence in a browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let admin: ApiClient;
  let nonBuyers: string[];
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await apiAs(server, 'admin');
    nonBuyers = await addPurchaseHistory(server, admin, 60);
    await runToEnd(server, 'insights.refresh');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('retrains the value model from the overview, follows the job and draws the charts', async () => {
    const { context, page } = await openAs(browser, server.url, 'admin');
    await byTestId(page, 'nav-value').click();
    await page.waitForURL('**/insights/value');
    await byTestId(page, 'value-overview-page').waitFor();
    const before = await admin.get<Overview>('/v1/value/overview');

    await byTestId(page, 'value-retrain').click();
    const job = byTestId(page, 'value-retrain-job');
    await job.waitFor();
    const jobId = (await job.getAttribute('data-job-id')) as string;
    await runJob(server.ctx, jobId);
    await page.locator('[data-testid="value-retrain-job"][data-status="succeeded"]').waitFor();

    const overview = await admin.get<Overview>('/v1/value/overview');
    expect(overview.model?.id).not.toBe(before.model?.id);
    await page.locator(`[data-testid="kpi-scored"][data-value="${overview.scored}"]`).waitFor();
    await expect(byTestId(page, 'kpi-total-clv').getAttribute('data-value')).resolves.toBe(
      String(overview.totalClv.amount),
    );
    await expect(byTestId(page, 'kpi-expected-spend').getAttribute('data-value')).resolves.toBe(
      String(overview.totalExpectedSpend.amount),
    );
    for (const chart of ['chart-clv-distribution', 'chart-palive-distribution', 'chart-churn-by-tier']) {
      await page.locator(`[data-testid="${chart}"][data-rendered="true"]`).waitFor();
    }
    const auc = overview.model?.metrics.churn?.auc;
    expect(typeof auc).toBe('number');
    expect(Number(await byTestId(page, 'kpi-churn-auc').getAttribute('data-value'))).toBeCloseTo(
      auc as number,
      6,
    );
    await byTestId(page, 'tier-forecast-accuracy').waitFor();
    const up = byTestId(page, 'movers-up').locator('[data-testid="mover-row"]');
    expect(await up.count()).toBe(Math.min(10, overview.movers.up));
    await saveScreenshot(page, 'value-overview');

    // A mover links to the member's page.
    const link = up.first().locator('[data-testid="mover-link"]');
    const memberId = (await link.getAttribute('data-member-id')) as string;
    await link.click();
    await page.waitForURL(`**/members/${memberId}`);
    await byTestId(page, 'member-value').waitFor();
    await context.close();
  });

  it('shows a member’s value panel with CLV, churn reasons in both languages, tier forecast, segments and profile', async () => {
    // A scored member with reasons for their churn risk.
    const movers = await admin.get<{ data: { memberId: string }[] }>(
      '/v1/value/movers?direction=up&limit=50',
    );
    let memberId = '';
    let value: MemberValue | null = null;
    for (const { memberId: id } of movers.data) {
      const candidate = await admin.get<MemberValue>(`/v1/members/${id}/value`);
      if (candidate.status === 'scored' && candidate.churnReasons.length > 0) {
        memberId = id;
        value = candidate;
        break;
      }
    }
    if (!value) throw new Error('no scored member with churn reasons among the movers');
    const segment = await admin.post<{ id: string }>('/v1/segments', {
      name: 'E2E buyers',
      definition: { field: 'profile.orders', op: 'gte', value: 1 },
    });
    const profile = await admin.get<{ frequency: number }>(`/v1/members/${memberId}/profile`);

    const { context, page } = await openAs(browser, server.url, 'analyst');
    await page.goto(`/members/${memberId}`);
    const panel = byTestId(page, 'member-value');
    await panel.waitFor();
    await expect(byTestId(panel, 'value-clv').getAttribute('data-value')).resolves.toBe(
      String(value.clv.amount),
    );
    await expect(textOf(byTestId(panel, 'value-clv'))).resolves.toMatch(/CN¥|¥/);
    await expect(byTestId(panel, 'value-palive').getAttribute('data-value')).resolves.toBe(
      String(value.pAlive),
    );
    const level =
      (value.churnRisk as number) >= 0.7 ? 'high' : (value.churnRisk as number) >= 0.3 ? 'medium' : 'low';
    await expect(byTestId(panel, 'value-churn').getAttribute('data-level')).resolves.toBe(level);
    const reasons = byTestId(panel, 'value-reason');
    expect(await reasons.count()).toBe(value.churnReasons.length);
    const first = value.churnReasons[0] as MemberValue['churnReasons'][number];
    await expect(textOf(reasons.first().locator('.reason-label'))).resolves.toBe(first.label.en);
    await expect(byTestId(panel, 'value-tier-move').getAttribute('data-move')).resolves.toBe('up');
    await page.locator('[data-testid="chart-palive-history"][data-rendered="true"]').waitFor();
    const chip = byTestId(panel, 'member-segment').filter({ hasText: 'E2E buyers' });
    await expect(chip.getAttribute('href')).resolves.toBe(`/insights/segments/${segment.id}`);
    await expect(textOf(byTestId(panel, 'profile-frequency'))).resolves.toBe(String(profile.frequency));
    await byTestId(panel, 'value-reasons').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'member-value');
    await context.close();

    // In Chinese the reasons read the server's Chinese labels.
    const zh = await openPage(browser, server.url, 'zh-CN');
    await loginAs(zh.page, 'analyst');
    await zh.page.goto(`/members/${memberId}`);
    const zhFirst = byTestId(zh.page, 'value-reason').first().locator('.reason-label');
    await zhFirst.waitFor();
    await expect(textOf(zhFirst)).resolves.toBe(first.label.zh);
    await zh.context.close();
  });

  it('says clearly when a member has not been scored', async () => {
    const memberId = nonBuyers[0] as string;
    const value = await admin.get<{ status: string; reason?: string }>(`/v1/members/${memberId}/value`);
    expect(value).toEqual({ status: 'not_scored', reason: 'no_purchases' });
    const { context, page } = await openAs(browser, server.url, 'operator');
    await page.goto(`/members/${memberId}`);
    const note = byTestId(page, 'value-not-scored');
    await expect(note.getAttribute('data-reason')).resolves.toBe('no_purchases');
    await expect(textOf(note)).resolves.toContain('no paid order');
    await context.close();
  });

  it('shows the clusters with their members, saves one as a segment and runs clustering again', async () => {
    const run = await admin.get<ClusterRun>('/v1/clusters/latest');
    const { context, page } = await openAs(browser, server.url, 'operator');
    await byTestId(page, 'nav-clusters').click();
    await page.waitForURL('**/insights/clusters');
    const cards = byTestId(page, 'cluster-card');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(run.k);
    const cluster = run.clusters[0] as ClusterRun['clusters'][number];
    const card = page.locator(`[data-testid="cluster-card"][data-index="${cluster.index}"]`);
    await expect(textOf(card.locator('[data-testid="cluster-description"]'))).resolves.toBe(
      cluster.description.en,
    );
    await expect(card.locator('[data-testid="cluster-size"]').getAttribute('data-value')).resolves.toBe(
      String(cluster.size),
    );
    await page.locator(`[data-testid="chart-cluster-${cluster.index}"][data-rendered="true"]`).waitFor();
    await page.locator('[data-testid="chart-silhouettes"][data-rendered="true"]').waitFor();
    await saveScreenshot(page, 'clusters');

    await card.locator('[data-testid="cluster-toggle-members"]').click();
    await card.locator('[data-testid="cluster-member"]').first().waitFor();
    expect(await card.locator('[data-testid="cluster-member"]').count()).toBe(Math.min(30, cluster.size));

    // Save as segment: a segment with the cluster's members.
    await card.locator('[data-testid="cluster-save-segment"]').click();
    const saved = card.locator('[data-testid="cluster-saved"]');
    await saved.waitFor();
    const segmentId = (await saved.getAttribute('data-segment-id')) as string;
    const segment = await admin.get<{ size: number | null }>(`/v1/segments/${segmentId}`);
    expect(segment.size).toBe(cluster.size);
    await saved.locator('[data-testid="cluster-saved-link"]').click();
    await page.waitForURL(`**/insights/segments/${segmentId}`);
    await page.locator('[data-testid="seg-leaf"][data-kind="cluster"]').waitFor();

    // Run clustering again: the page follows the job and shows the new run.
    await byTestId(page, 'nav-clusters').click();
    await byTestId(page, 'clusters-run').click();
    const job = byTestId(page, 'clusters-run-job');
    await job.waitFor();
    await runJob(server.ctx, (await job.getAttribute('data-job-id')) as string);
    const latest = await admin.get<ClusterRun>('/v1/clusters/latest');
    expect(latest.id).not.toBe(run.id);
    await page.locator(`[data-testid="cluster-run"][data-run-id="${latest.id}"]`).waitFor();
    // The earlier run stays readable.
    await byTestId(page, 'cluster-run-select').selectOption(run.id);
    await page.locator(`[data-testid="cluster-run"][data-run-id="${run.id}"]`).waitFor();
    await context.close();

    // An analyst may save a cluster as a segment but not run clustering.
    const analyst = await openAs(browser, server.url, 'analyst');
    await analyst.page.goto('/insights/clusters');
    await byTestId(analyst.page, 'cluster-card').first().waitFor();
    await expect(byTestId(analyst.page, 'clusters-run').count()).resolves.toBe(0);
    await expect(byTestId(analyst.page, 'cluster-save-segment').count()).resolves.toBe(latest.k);
    await analyst.context.close();
  });
});
