// Loyalty in a browser: a member's points after earning through the API, an operator's adjust
// (its success, a deduction larger than the balance, a missing reason, a bound only the server
// checks), the programme's liability matching the API, and a job's progress updating live.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, runJob } from '../src/modules/jobs/index.ts';
import { earnPoints } from '../src/modules/points/index.ts';
import { type ApiClient, apiAs, earnThroughApi, type PointsSummary, pointsOf } from './support/api.ts';
import { byTestId, hasChromium, launchBrowser, openAs, saveScreenshot, textOf } from './support/browser.ts';
import { countAudit, type E2eServer, startServer } from './support/server.ts';

const DAY_MS = 86_400_000;

/** The digits of a figure as shown ("1,234" → 1234). */
function shownNumber(text: string): number {
  const negative = /^[−-]/.test(text.trim());
  const value = Number(text.replace(/[^\d]/g, ''));
  return negative ? -value : value;
}

/** Waits until the element's data-value is `value`, then checks that its text shows the same number. */
async function expectFigure(page: Page, testId: string, value: number): Promise<void> {
  await page.locator(`[data-testid="${testId}"][data-value="${value}"]`).waitFor();
  expect(shownNumber(await textOf(byTestId(page, testId))), testId).toBe(value);
}

const BALANCE_IDS: Record<keyof Omit<PointsSummary, 'memberId'>, string> = {
  available: 'points-available',
  pending: 'points-pending',
  expiringSoon: 'points-expiring-soon',
  lifetimeEarned: 'points-lifetime-earned',
  lifetimeRedeemed: 'points-lifetime-redeemed',
  debt: 'points-debt',
};

async function expectBalances(page: Page, summary: PointsSummary): Promise<void> {
  for (const [field, testId] of Object.entries(BALANCE_IDS)) {
    await expectFigure(page, testId, summary[field as keyof typeof BALANCE_IDS]);
  }
}

async function fillAdjust(page: Page, points: string, reason: string): Promise<void> {
  await byTestId(page, 'points-adjust-points').fill(points);
  await byTestId(page, 'points-adjust-reason').fill(reason);
  await byTestId(page, 'points-adjust-submit').click();
}

describe.skipIf(!hasChromium)('loyalty in a browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let admin: ApiClient;
  let memberIds: string[];
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await apiAs(server, 'admin');
    const rows = await server.ctx.db.selectFrom('members').select('id').orderBy('id').limit(20).execute();
    memberIds = rows.map((r) => r.id);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows a member's balances, expiring points and ledger after earning through the API", async () => {
    const memberId = memberIds[3] as string;
    await earnThroughApi(admin, memberId, 120, 'e2e welcome bonus');
    // Points that expire within the panel's 90 days (the API's earn uses the programme's expiry).
    const expiresAt = Date.now() + 20 * DAY_MS;
    await earnPoints(server.ctx, {
      memberId,
      points: 30,
      reason: 'e2e expiring soon',
      source: { type: 'system', id: 'e2e' },
      idempotencyKey: `e2e-expiring-${memberId}`,
      expiresAt,
    });
    const summary = await pointsOf(admin, memberId);
    expect(summary.lifetimeEarned).toBeGreaterThanOrEqual(150);

    const { context, page } = await openAs(browser, server.url, 'admin');
    await page.goto(`/members/${memberId}`);
    await byTestId(page, 'member-points').waitFor();
    await expectBalances(page, summary);

    const expiring = page.locator('[data-testid="expiring-row"][data-points="30"]');
    await expiring.waitFor();
    const expiringTotal = await byTestId(page, 'points-expiring-total').getAttribute('data-value');
    expect(Number(expiringTotal)).toBeGreaterThanOrEqual(30);

    const earned = page.locator('[data-testid="ledger-row"][data-kind="earn"][data-points="120"]');
    await earned.waitFor();
    await expect(textOf(earned.locator('[data-testid="ledger-reason"]'))).resolves.toBe('e2e welcome bonus');
    await page.locator('[data-testid="ledger-row"][data-kind="earn"][data-points="30"]').waitFor();
    await byTestId(page, 'member-points').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'member-points');
    await context.close();
  });

  it('lets an operator adjust points: the balance and the ledger update, errors are shown', async () => {
    const memberId = memberIds[4] as string;
    await earnThroughApi(admin, memberId, 200, 'e2e starting balance');
    const before = await pointsOf(admin, memberId);

    const { context, page } = await openAs(browser, server.url, 'operator');
    await page.goto(`/members/${memberId}`);
    await expectFigure(page, 'points-available', before.available);

    // +50 with a reason: the balance, the ledger and the audit log follow.
    await fillAdjust(page, '50', 'e2e goodwill for a late parcel');
    await byTestId(page, 'points-adjust-done').waitFor();
    const after = await pointsOf(admin, memberId);
    expect(after.available).toBe(before.available + 50);
    await expectBalances(page, after);
    const first = byTestId(page, 'ledger-row').first();
    await page.locator('[data-testid="ledger-row"][data-kind="adjust"]').first().waitFor();
    await expect(first.getAttribute('data-kind')).resolves.toBe('adjust');
    await expect(first.getAttribute('data-points')).resolves.toBe('50');
    await expect(textOf(first.locator('[data-testid="ledger-reason"]'))).resolves.toBe(
      'e2e goodwill for a late parcel',
    );
    await expect(textOf(first.locator('[data-testid="ledger-balance"]'))).resolves.toMatch(
      new RegExp(`^${after.available.toLocaleString('en-US')}$`),
    );
    expect(await countAudit(server.ctx, 'points.adjust', memberId)).toBe(1);
    // The form is cleared for the next adjustment.
    await expect(byTestId(page, 'points-adjust-points').inputValue()).resolves.toBe('');

    // A deduction larger than the balance: 409 POINTS_INSUFFICIENT, shown, and nothing changes.
    await fillAdjust(page, String(-(after.available + 1000)), 'e2e too much');
    const insufficient = page.locator('[data-testid="points-adjust-error"][data-code="POINTS_INSUFFICIENT"]');
    await insufficient.waitFor();
    await expect(textOf(insufficient)).resolves.toMatch(/not have enough points/);
    await byTestId(page, 'points-adjust-points-error').waitFor();
    expect((await pointsOf(admin, memberId)).available).toBe(after.available);

    // No reason: the reason field says so, and no request changes anything.
    await fillAdjust(page, '10', '');
    await expect(textOf(byTestId(page, 'points-adjust-reason-error'))).resolves.toMatch(/reason/i);
    await expect(byTestId(page, 'points-adjust-reason').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(byTestId(page, 'points-adjust-error').count()).resolves.toBe(0);
    await saveScreenshot(page, 'member-points-adjust-error');

    // A bound only the server checks comes back as 400 VALIDATION_FAILED on the points field.
    await fillAdjust(page, '20000000', 'e2e far too many');
    await byTestId(page, 'points-adjust-points-error').waitFor();
    await expect(textOf(byTestId(page, 'points-adjust-points-error'))).resolves.toMatch(
      /10000000|10,000,000/,
    );
    expect((await pointsOf(admin, memberId)).available).toBe(after.available);
    expect(await countAudit(server.ctx, 'points.adjust', memberId)).toBe(1);
    await context.close();
  });

  it("shows a member's tier with progress, and an operator's override with its history", async () => {
    const memberId = memberIds[6] as string;
    const path = `/v1/members/${memberId}`;
    type Tier = {
      tier: { id: string; nameEn: string };
      progress: { current: number; nextTier: { nameEn: string } | null };
    };
    const earned = await admin.get<Tier>(`${path}/tier`);

    const { context, page } = await openAs(browser, server.url, 'admin');
    await page.goto(`/members/${memberId}`);
    await page.locator(`[data-testid="tier-name"][data-tier-id="${earned.tier.id}"]`).waitFor();
    await expect(textOf(byTestId(page, 'tier-name'))).resolves.toBe(earned.tier.nameEn);
    await expect(byTestId(page, 'tier-current').getAttribute('data-value')).resolves.toBe(
      String(earned.progress.current),
    );
    await byTestId(page, 'tier-progress').waitFor();
    if (earned.progress.nextTier)
      await expect(textOf(byTestId(page, 'tier-next'))).resolves.toContain(earned.progress.nextTier.nameEn);

    // An override set through the API: the panel names the pinned tier, the reason, and the history.
    const ladder = await admin.get<{ tiers: { id: string; nameEn: string }[] }>('/v1/loyalty/tiers');
    const pinned = ladder.tiers.find((tier) => tier.id !== earned.tier.id) as { id: string; nameEn: string };
    await admin.post(`${path}/tier/override`, { tierId: pinned.id, reason: 'e2e VIP for a complaint' });
    await page.reload();
    await page.locator(`[data-testid="tier-name"][data-tier-id="${pinned.id}"]`).waitFor();
    await expect(textOf(byTestId(page, 'tier-override'))).resolves.toContain('e2e VIP for a complaint');
    const override = page.locator('[data-testid="tier-history-row"][data-change="override"]');
    await override.waitFor();
    await expect(textOf(override)).resolves.toContain(pinned.nameEn);
    await byTestId(page, 'member-tier').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'member-tier');
    await context.close();
  });

  it('shows an analyst the points but no adjust form', async () => {
    const { context, page } = await openAs(browser, server.url, 'analyst');
    await page.goto(`/members/${memberIds[4]}`);
    await page.locator('[data-testid="points-available"][data-value]').waitFor();
    expect(await byTestId(page, 'points-adjust-form').count()).toBe(0);
    await context.close();
  });

  it("renders the programme's liability KPIs as the API reports them", async () => {
    await earnThroughApi(admin, memberIds[5] as string, 75, 'e2e liability');
    const stats = await admin.get<{
      outstanding: { available: number; pending: number; debt: number; members: number };
      expiring: { in30d: number; in90d: number };
      daily: { earned: number; redeemed: number; expired: number }[];
    }>('/v1/stats/points?days=90');
    expect(stats.outstanding.available).toBeGreaterThan(0);

    const { context, page } = await openAs(browser, server.url, 'admin');
    await byTestId(page, 'nav-loyalty').click();
    await page.waitForURL('**/loyalty');
    await expectFigure(page, 'kpi-points-available', stats.outstanding.available);
    await expectFigure(page, 'kpi-points-pending', stats.outstanding.pending);
    await expectFigure(page, 'kpi-points-debt', stats.outstanding.debt);
    await expectFigure(page, 'kpi-points-members', stats.outstanding.members);
    await expectFigure(page, 'kpi-points-expiring-30d', stats.expiring.in30d);
    await expectFigure(page, 'kpi-points-expiring-90d', stats.expiring.in90d);
    const earned = stats.daily.reduce((sum, d) => sum + d.earned, 0);
    await expectFigure(page, 'kpi-points-earned', earned);
    const flow = page.locator('[data-testid="chart-points-flow"][data-rendered="true"]');
    await flow.waitFor();
    await expect(flow.getAttribute('data-points')).resolves.toBe(String(stats.daily.length));
    expect(await flow.locator('canvas, svg').count()).toBeGreaterThan(0);

    // Tiers: charts when /v1/stats/tiers answers, else the section's error state (never made-up data).
    const tiers = byTestId(page, 'loyalty-tiers');
    if ((await admin.status('/v1/stats/tiers')) === 200) {
      await tiers.locator('[data-testid="chart-tier-distribution"]').waitFor();
      await tiers.locator('[data-testid="chart-tier-monthly"]').waitFor();
    } else {
      await tiers.locator('[data-testid="section-error"]').waitFor();
    }
    await saveScreenshot(page, 'loyalty');
    await context.close();
  });

  it('shows a job on the jobs page and follows it to the end without a reload', async () => {
    const job = await createJob(server.ctx, 'points.expire', {}, 'e2e');
    const { context, page } = await openAs(browser, server.url, 'operator');
    await byTestId(page, 'nav-jobs').click();
    await page.waitForURL('**/loyalty/jobs');
    const row = page.locator(`[data-testid="job-row"][data-job-id="${job.id}"]`);
    await row.waitFor();
    await expect(row.getAttribute('data-status')).resolves.toBe('queued');
    await byTestId(page, 'jobs-live').waitFor();
    await runJob(server.ctx, job.id);
    await page.locator(`[data-testid="job-row"][data-job-id="${job.id}"][data-status="succeeded"]`).waitFor();
    await expect(row.locator('[data-testid="job-progress"]').getAttribute('data-percent')).resolves.toBe(
      '100',
    );
    await saveScreenshot(page, 'jobs');
    await context.close();
  });

  it('keeps the loyalty pages out of reach of roles without them', async () => {
    const analyst = await openAs(browser, server.url, 'analyst');
    await expect(byTestId(analyst.page, 'nav-loyalty').count()).resolves.toBe(1);
    await expect(byTestId(analyst.page, 'nav-jobs').count()).resolves.toBe(0);
    await analyst.context.close();
    const auditor = await openAs(browser, server.url, 'auditor');
    await expect(byTestId(auditor.page, 'nav-loyalty').count()).resolves.toBe(0);
    await auditor.page.goto('/loyalty');
    await auditor.page.waitForURL('**/audit');
    await auditor.context.close();
  });
});
