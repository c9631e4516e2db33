// The programme editors in a browser: a rule with a nested condition built through the UI, its
// live preview explaining a match and a non-match, saving, the list, a stale version; a
// validation message at its condition; the tier ladder (a threshold, an error at its field, a
// removed tier whose members are mapped, a recalculation); the programme settings with a version
// conflict; a tier override set and ended on the member page; and read-only views for analysts.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../src/modules/jobs/index.ts';
import { type ApiClient, apiAs } from './support/api.ts';
import { byTestId, hasChromium, launchBrowser, openAs, saveScreenshot, textOf } from './support/browser.ts';
import { countAudit, type E2eServer, startServer } from './support/server.ts';

interface Rule {
  id: string;
  name: string;
  version: number;
  status: string;
  condition: unknown;
  action: unknown;
  [key: string]: unknown;
}

interface Ladder {
  tiers: { id: string; nameEn: string; entryThreshold: number; retainThreshold: number }[];
}

interface Programme {
  settings: Record<string, unknown> & { pendingDays: number; expiry: Record<string, unknown> };
  version: number;
}

/** The condition node (group or leaf) the API would name by `path`. */
function node(page: Page, path: string): Locator {
  return page.locator(`[data-path="${path}"]`);
}

/** A group's own "+ Condition" / "+ Group" buttons (not those of groups inside it). */
function groupButton(group: Locator, testId: 'cond-add-leaf' | 'cond-add-group'): Locator {
  return group.locator(`:scope > .cond-actions > [data-testid="${testId}"]`);
}

/**
 * The draft's outcome in the preview panel, once the preview has caught up with every edit
 * (the panel is busy from an edit until the answer to the last one is shown).
 */
async function draftOutcome(page: Page, matched: boolean): Promise<Locator> {
  await page.locator('[data-testid="rule-preview"][aria-busy="false"]').waitFor();
  const outcome = page.locator(`[data-testid="preview-rule"][data-draft="true"][data-matched="${matched}"]`);
  await outcome.waitFor();
  return outcome;
}

describe.skipIf(!hasChromium)('programme editors in a browser', () => {
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

  it('builds a rule with a nested condition, previews a match and a non-match, saves it, lists it', async () => {
    const base = await admin.post<Rule>('/v1/loyalty/rules', {
      name: 'E2E points on paid orders',
      trigger: 'order_paid',
      priority: 10,
      action: { type: 'per_amount', points: 1, per: 1 },
    });
    const { context, page } = await openAs(browser, server.url, 'admin');
    await byTestId(page, 'nav-rules').click();
    await page.waitForURL('**/loyalty/rules');
    await byTestId(page, 'rules-page').waitFor();
    await byTestId(page, 'rules-new').click();
    await page.waitForURL('**/loyalty/rules/new');

    await byTestId(page, 'rule-name').fill('E2E big orders on weekends or in the app');
    await byTestId(page, 'rule-trigger').selectOption('order_paid');
    await byTestId(page, 'rule-action-type').selectOption('fixed');
    await byTestId(page, 'rule-action-points').fill('50');

    // all [ amount ≥ 100 CNY, any [ day of week in {Sat, Sun}, channel = app ] ]
    const root = node(page, 'condition');
    await groupButton(root, 'cond-add-leaf').click();
    const amount = node(page, 'condition.all.0');
    await expect(amount.getAttribute('data-field')).resolves.toBe('event.amount');
    await amount.locator('[data-testid="cond-op"]').selectOption('gte');
    await amount.locator('[data-testid="cond-value"]').fill('100');
    await groupButton(root, 'cond-add-group').click();
    const nested = node(page, 'condition.all.1');
    await expect(nested.getAttribute('data-op')).resolves.toBe('any');
    const weekend = node(page, 'condition.all.1.any.0');
    await weekend.locator('[data-testid="cond-field"]').selectOption('date.dayOfWeek');
    await weekend.locator('[data-testid="cond-op"]').selectOption('in');
    await weekend.locator('[data-testid="cond-value-option"][data-value="6"]').check();
    await weekend.locator('[data-testid="cond-value-option"][data-value="7"]').check();
    await groupButton(nested, 'cond-add-leaf').click();
    const channel = node(page, 'condition.all.1.any.1');
    await channel.locator('[data-testid="cond-field"]').selectOption('event.channel');
    await channel.locator('[data-testid="cond-op"]').selectOption('eq');
    await channel.locator('[data-testid="cond-value"]').fill('app');

    // A Monday order of 150 CNY in the app: the amount and the channel hold, the weekday does not.
    await byTestId(page, 'preview-amount').fill('150');
    await byTestId(page, 'preview-date').fill('2026-03-16T10:00');
    await byTestId(page, 'preview-channel').fill('app');
    const match = await draftOutcome(page, true);
    await expect(match.getAttribute('data-points')).resolves.toBe('50');
    await expect(byTestId(page, 'preview-total').getAttribute('data-value')).resolves.toBe('50');
    const leaf = (field: string) => match.locator(`[data-testid="trace-leaf"][data-field="${field}"]`);
    await expect(leaf('event.amount').getAttribute('data-result')).resolves.toBe('true');
    await expect(leaf('date.dayOfWeek').getAttribute('data-result')).resolves.toBe('false');
    await expect(leaf('event.channel').getAttribute('data-result')).resolves.toBe('true');
    await expect(textOf(leaf('date.dayOfWeek').locator('[data-testid="trace-actual"]'))).resolves.toContain(
      'Mon',
    );
    await saveScreenshot(page, 'rules-editor');

    // 80 CNY: no match, and the trace says the amount is why (its actual value, ✗).
    await byTestId(page, 'preview-amount').fill('80');
    const miss = await draftOutcome(page, false);
    await expect(miss.getAttribute('data-points')).resolves.toBe('0');
    await expect(miss.getAttribute('data-skipped')).resolves.toBe('condition');
    const missedAmount = miss.locator('[data-testid="trace-leaf"][data-field="event.amount"]');
    await expect(missedAmount.getAttribute('data-result')).resolves.toBe('false');
    await expect(textOf(missedAmount.locator('[data-testid="trace-actual"]'))).resolves.toMatch(/80\.00/);

    // Beside the active rules of the type, the draft is one line among them.
    await byTestId(page, 'preview-amount').fill('150');
    await byTestId(page, 'preview-with-active').check();
    await draftOutcome(page, true);
    const other = page.locator(`[data-testid="preview-rule"][data-rule-id="${base.id}"][data-draft="false"]`);
    await expect(other.getAttribute('data-points')).resolves.toBe('150');
    // The total is every line: the draft, this base rule and the default programme's rules.
    const lines = await page
      .locator('[data-testid="preview-rule"]')
      .evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-points'))));
    expect(lines).toContain(50);
    const total = Number(await byTestId(page, 'preview-total').getAttribute('data-value'));
    expect(total).toBe(lines.reduce((sum, points) => sum + points, 0));
    expect(total).toBeGreaterThanOrEqual(200);

    // The JSON view shows the tree the form built.
    await byTestId(page, 'rule-view-json').click();
    const json = JSON.parse(await byTestId(page, 'rule-json-text').inputValue()) as { condition: unknown };
    const condition = {
      all: [
        { field: 'event.amount', op: 'gte', value: 10000 },
        {
          any: [
            { field: 'date.dayOfWeek', op: 'in', value: [6, 7] },
            { field: 'event.channel', op: 'eq', value: 'app' },
          ],
        },
      ],
    };
    expect(json.condition).toEqual(condition);
    await byTestId(page, 'rule-view-form').click();

    await byTestId(page, 'rule-save').click();
    await page.waitForURL(/\/loyalty\/rules\/rule_/);
    await byTestId(page, 'rule-saved').waitFor();
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string);
    const saved = await admin.get<Rule>(`/v1/loyalty/rules/${id}`);
    expect(saved).toMatchObject({ name: 'E2E big orders on weekends or in the app', version: 1, condition });
    expect(saved.action).toEqual({ type: 'fixed', points: 50 });
    expect(await countAudit(server.ctx, 'loyalty.rule.create', id)).toBe(1);

    await byTestId(page, 'rule-back').click();
    await page.waitForURL('**/loyalty/rules');
    const row = page.locator(`[data-testid="rule-row"][data-rule-id="${id}"]`);
    await row.waitFor();
    await expect(textOf(row.locator('[data-testid="rule-link"]'))).resolves.toBe(
      'E2E big orders on weekends or in the app',
    );
    await expect(textOf(row.locator('[data-testid="rule-gives"]'))).resolves.toBe('50 points');
    await context.close();
  });

  it("shows the server's validation message at the condition it names", async () => {
    const { context, page } = await openAs(browser, server.url, 'operator');
    await page.goto('/loyalty/rules/new');
    await byTestId(page, 'rule-name').fill('E2E review bonus');
    await byTestId(page, 'rule-trigger').selectOption('review');
    await groupButton(node(page, 'condition'), 'cond-add-leaf').click();
    const rating = node(page, 'condition.all.0');
    await expect(rating.getAttribute('data-field')).resolves.toBe('event.rating');
    await rating.locator('[data-testid="cond-op"]').selectOption('gte');
    await rating.locator('[data-testid="cond-value"]').fill('9');
    // The live preview asks the server, which names condition.all.0.value: the leaf shows it.
    await expect(textOf(rating.locator('[data-testid="cond-value-error"]'))).resolves.toMatch(/at most 5/);
    await byTestId(page, 'preview-invalid').waitFor();
    // Saving is refused the same way, and nothing is created.
    const before = await admin.get<{ data: Rule[] }>('/v1/loyalty/rules?trigger=review');
    await byTestId(page, 'rule-save').click();
    await byTestId(page, 'rule-invalid').waitFor();
    await expect(textOf(rating.locator('[data-testid="cond-value-error"]'))).resolves.toMatch(/at most 5/);
    await expect(rating.getAttribute('class')).resolves.toContain('has-error');
    expect(page.url()).toMatch(/\/loyalty\/rules\/new$/);
    // Fixing the value clears the message and previews the draft.
    await rating.locator('[data-testid="cond-value"]').fill('4');
    await byTestId(page, 'preview-rating').fill('5');
    await draftOutcome(page, true);
    await expect(rating.locator('[data-testid="cond-value-error"]').count()).resolves.toBe(0);
    const after = await admin.get<{ data: Rule[] }>('/v1/loyalty/rules?trigger=review');
    expect(after.data.length).toBe(before.data.length);
    await context.close();
  });

  it('says a rule changed by someone else must be reloaded, and reloads it', async () => {
    const created = await admin.post<Rule>('/v1/loyalty/rules', {
      name: 'E2E share bonus',
      trigger: 'share',
      action: { type: 'fixed', points: 3 },
    });
    const { context, page } = await openAs(browser, server.url, 'operator');
    await page.goto(`/loyalty/rules/${created.id}`);
    await page.locator('[data-testid="rule-editor"][data-version="1"]').waitFor();
    await expect(byTestId(page, 'rule-name').inputValue()).resolves.toBe('E2E share bonus');

    // Someone else saves version 2 meanwhile.
    const { id, version, createdAt, updatedAt, ...body } = created;
    await admin.put(`/v1/loyalty/rules/${id}`, { ...body, name: 'E2E share bonus (changed)', version });

    await byTestId(page, 'rule-name').fill('E2E share bonus, mine');
    await byTestId(page, 'rule-save').click();
    const conflict = byTestId(page, 'rule-conflict');
    await conflict.waitFor();
    await expect(textOf(conflict)).resolves.toMatch(/changed by someone else/);
    expect((await admin.get<Rule>(`/v1/loyalty/rules/${id}`)).name).toBe('E2E share bonus (changed)');

    await byTestId(page, 'rule-reload').click();
    await page.locator('[data-testid="rule-editor"][data-version="2"]').waitFor();
    await expect(byTestId(page, 'rule-name').inputValue()).resolves.toBe('E2E share bonus (changed)');
    await page.locator('[data-testid="rule-version-row"][data-version="2"]').waitFor();
    await page.locator('[data-testid="rule-version-row"][data-version="1"]').waitFor();

    // Archiving from the editor.
    await byTestId(page, 'rule-archive').click();
    await byTestId(page, 'rule-archive-yes').click();
    await byTestId(page, 'rule-saved').waitFor();
    await expect(textOf(byTestId(page, 'rule-status-badge'))).resolves.toBe('archived');
    expect((await admin.get<Rule>(`/v1/loyalty/rules/${id}`)).status).toBe('archived');
    await context.close();
  });

  it('edits the tier ladder: a threshold, an error at its field, a removed tier mapped, a recalculation', async () => {
    const { context, page } = await openAs(browser, server.url, 'admin');
    await byTestId(page, 'nav-tiers').click();
    await page.waitForURL('**/loyalty/tiers');
    const card = (id: string) => page.locator(`[data-testid="tier-card"][data-tier-id="${id}"]`);
    const silver = card('silver');
    // 100,000 fen are shown as 1000 CNY.
    await expect(silver.locator('[data-testid="tier-entry"]').inputValue()).resolves.toBe('1000');

    await silver.locator('[data-testid="tier-entry"]').fill('1200');
    await byTestId(page, 'tiers-reason').fill('e2e: silver a little higher');
    await byTestId(page, 'tiers-save').click();
    await byTestId(page, 'tiers-saved').waitFor();
    let ladder = await admin.get<Ladder>('/v1/loyalty/tiers');
    expect(ladder.tiers.find((t) => t.id === 'silver')?.entryThreshold).toBe(120_000);

    // Gold below silver: the server names tiers.2.entryThreshold, shown at gold's entry field.
    const gold = card('gold');
    await gold.locator('[data-testid="tier-entry"]').fill('500');
    await byTestId(page, 'tiers-save').click();
    await byTestId(page, 'tiers-invalid').waitFor();
    const goldError = gold.locator('[data-testid="tier-entry-error"]');
    await expect(textOf(goldError)).resolves.toMatch(/greater than the entry threshold/);
    await expect(gold.locator('[data-testid="tier-entry"]').getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await gold.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'tiers-editor');
    ladder = await admin.get<Ladder>('/v1/loyalty/tiers');
    expect(ladder.tiers.find((t) => t.id === 'gold')?.entryThreshold).toBe(500_000);
    await gold.locator('[data-testid="tier-entry"]').fill('5000');
    await expect(goldError.count()).resolves.toBe(0);

    // Removing platinum, which a member holds (an override): the page asks where they go.
    const holder = memberIds[8] as string;
    await admin.post(`/v1/members/${holder}/tier/override`, {
      tierId: 'platinum',
      reason: 'e2e holds platinum',
    });
    await card('platinum').locator('[data-testid="tier-remove"]').click();
    await byTestId(page, 'tiers-save').click();
    await byTestId(page, 'tiers-mapping').waitFor();
    await page.locator('[data-testid="tiers-mapping-select"][data-tier-id="platinum"]').selectOption('gold');
    await byTestId(page, 'tiers-mapping-save').click();
    await byTestId(page, 'tiers-saved').waitFor();
    ladder = await admin.get<Ladder>('/v1/loyalty/tiers');
    expect(ladder.tiers.map((t) => t.id)).toEqual(['member', 'silver', 'gold']);
    const moved = await admin.get<{ override: { tierId: string } | null }>(`/v1/members/${holder}/tier`);
    expect(moved.override?.tierId).toBe('gold');

    // A recalculation: queued, then followed to its end without a reload.
    await byTestId(page, 'tiers-recalculate').click();
    const job = byTestId(page, 'tiers-job');
    await job.waitFor();
    const jobId = (await job.getAttribute('data-job-id')) as string;
    await runJob(server.ctx, jobId);
    await page
      .locator(`[data-testid="tiers-job"][data-job-id="${jobId}"][data-status="succeeded"]`)
      .waitFor();
    await expect(byTestId(page, 'tiers-job-progress').getAttribute('data-percent')).resolves.toBe('100');
    await context.close();
  });

  it('saves the programme settings, and reports a version conflict', async () => {
    const { context, page } = await openAs(browser, server.url, 'operator');
    await byTestId(page, 'nav-settings').click();
    await page.waitForURL('**/loyalty/settings');
    await byTestId(page, 'settings-pending-days').fill('14');
    await byTestId(page, 'settings-expiry-end_of_year').check();
    await byTestId(page, 'settings-expiry-years').fill('1');
    await byTestId(page, 'settings-save').click();
    await byTestId(page, 'settings-saved').waitFor();
    const programme = await admin.get<Programme>('/v1/loyalty/programme');
    expect(programme.settings.pendingDays).toBe(14);
    expect(programme.settings.expiry).toEqual({ policy: 'end_of_year', years: 1 });

    // A value only the server refuses is shown at its field.
    await byTestId(page, 'settings-pending-days').fill('400');
    await byTestId(page, 'settings-save').click();
    await byTestId(page, 'settings-pending-days-error').waitFor();

    // Someone else saves meanwhile: this page's version is stale.
    const theirs = await admin.put<Programme>('/v1/loyalty/programme', {
      settings: { ...programme.settings, pendingDays: 3 },
      version: programme.version,
    });
    await byTestId(page, 'settings-pending-days').fill('10');
    await byTestId(page, 'settings-save').click();
    await expect(textOf(byTestId(page, 'settings-conflict'))).resolves.toMatch(/changed by someone else/);
    await byTestId(page, 'settings-reload').click();
    await page.locator(`[data-testid="settings-version"][data-version="${theirs.version}"]`).waitFor();
    await expect(byTestId(page, 'settings-pending-days').inputValue()).resolves.toBe('3');
    expect((await admin.get<Programme>('/v1/loyalty/programme')).settings.pendingDays).toBe(3);
    await context.close();
  });

  it('sets and ends a tier override from the member page', async () => {
    const memberId = memberIds[10] as string;
    const path = `/v1/members/${memberId}/tier`;
    const ladder = await admin.get<Ladder>('/v1/loyalty/tiers');
    const before = await admin.get<{ tier: { id: string } }>(path);
    const pinned = ladder.tiers.find((t) => t.id !== before.tier.id) as Ladder['tiers'][number];

    const { context, page } = await openAs(browser, server.url, 'operator');
    await page.goto(`/members/${memberId}`);
    await page.locator(`[data-testid="tier-name"][data-tier-id="${before.tier.id}"]`).waitFor();
    await byTestId(page, 'tier-override-open').click();
    await byTestId(page, 'tier-override-tier').selectOption(pinned.id);
    await byTestId(page, 'tier-override-until').fill('2099-12-31');
    // The reason is required.
    await byTestId(page, 'tier-override-submit').click();
    await byTestId(page, 'tier-override-reason-error').waitFor();
    await byTestId(page, 'tier-override-reason').fill('e2e thanks for the feedback');
    await byTestId(page, 'tier-override-submit').click();
    await byTestId(page, 'tier-override-done').waitFor();
    await page.locator(`[data-testid="tier-name"][data-tier-id="${pinned.id}"]`).waitFor();
    await expect(textOf(byTestId(page, 'tier-override'))).resolves.toContain('e2e thanks for the feedback');
    await page.locator('[data-testid="tier-history-row"][data-change="override"]').first().waitFor();
    const set = await admin.get<{ override: { tierId: string; until: string | null } | null }>(path);
    expect(set.override).toMatchObject({ tierId: pinned.id, until: '2099-12-31T23:59:59.999Z' });
    await byTestId(page, 'member-tier').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'member-tier-override');

    await byTestId(page, 'tier-override-end-open').click();
    await byTestId(page, 'tier-override-reason').fill('e2e back to the earned tier');
    await byTestId(page, 'tier-override-submit').click();
    await page.locator('[data-testid="tier-history-row"][data-change="override_end"]').first().waitFor();
    await byTestId(page, 'tier-override').waitFor({ state: 'detached' });
    expect((await admin.get<{ override: unknown }>(path)).override).toBeNull();
    await context.close();
  });

  it('shows analysts the editors read-only, with the preview still working', async () => {
    const { context, page } = await openAs(browser, server.url, 'analyst');
    await byTestId(page, 'nav-rules').click();
    await page.waitForURL('**/loyalty/rules');
    const first = byTestId(page, 'rule-row').first();
    await first.waitFor();
    await expect(byTestId(page, 'rules-new').count()).resolves.toBe(0);
    await first.locator('[data-testid="rule-link"]').click();
    await byTestId(page, 'rule-read-only').waitFor();
    await expect(byTestId(page, 'rule-save').count()).resolves.toBe(0);
    await expect(byTestId(page, 'rule-name').isDisabled()).resolves.toBe(true);
    await expect(byTestId(page, 'cond-add-leaf').count()).resolves.toBe(0);
    await byTestId(page, 'preview-result').waitFor();

    await byTestId(page, 'nav-tiers').click();
    await page.waitForURL('**/loyalty/tiers');
    await byTestId(page, 'tier-card').first().waitFor();
    await expect(byTestId(page, 'tiers-save').count()).resolves.toBe(0);
    await expect(byTestId(page, 'tiers-recalculate').count()).resolves.toBe(0);
    await expect(byTestId(page, 'tier-entry').first().isDisabled()).resolves.toBe(true);

    await byTestId(page, 'nav-settings').click();
    await byTestId(page, 'settings-read-only').waitFor();
    await expect(byTestId(page, 'settings-save').count()).resolves.toBe(0);

    await page.goto(`/members/${memberIds[2]}`);
    await byTestId(page, 'tier-name').waitFor();
    await expect(byTestId(page, 'tier-override-open').count()).resolves.toBe(0);
    await context.close();
  });
});
