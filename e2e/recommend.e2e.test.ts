// Recommendations in a browser: a member's panel lists the items the API serves, each with its
// reason (in English and Chinese), the strategy and the model, and asks again when a filter
// (a select of the catalogue's categories) changes; the models page retrains, then shows the new
// run with its metrics, candidates and training curve; the similar-items explorer finds an item by
// part of its title and follows a click from one item to the next; an
// analyst reads the settings without a way to save them, while an operator's save meets the
// server's validation at the field and a stale version with a reload.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, runJob } from '../src/modules/jobs/index.ts';
import { apiKeyWithScopes } from '../src/testing/credentials.ts';
import { type ApiClient, apiAs } from './support/api.ts';
import { byTestId, hasChromium, launchBrowser, openAs, saveScreenshot } from './support/browser.ts';
import { type E2eServer, OPERATOR_PASSWORDS, startServer } from './support/server.ts';

interface Reason {
  code: string;
  text: string;
  textZh: string;
}

interface RecommendedItem {
  itemId: string;
  category: string;
  inStock: boolean;
  reason: Reason;
}

interface MemberList {
  recommendationId: string;
  strategy: string;
  model: { id: string; kind: string; variant: string | null } | null;
  items: RecommendedItem[];
}

interface SimilarList {
  itemId: string;
  items: RecommendedItem[];
}

interface CatalogueItem {
  id: string;
  title: string;
  titleEn: string | null;
  category: string;
}

interface CategoryCount {
  category: string;
  items: number;
}

interface Run {
  id: string;
  params: { model: string };
  metrics: {
    validation: { ndcg: number; hr: number };
    candidates: { kind: string }[];
    curve: { iteration: number }[];
  };
}

interface Report {
  variants: { variant: string | null; lists: number; clicks: number; ctr: number | null }[];
  daily: { day: string }[];
}

interface Settings {
  version: number;
  settings: Record<string, unknown> & { halfLifeDays: number; model: string };
}

/** Runs a job to its end in the test process (the e2e server has no background worker). */
async function runToEnd(
  server: E2eServer,
  type: string,
  params: Record<string, unknown> = {},
): Promise<void> {
  const job = await createJob(server.ctx, type, params, null);
  const done = await runJob(server.ctx, job.id);
  if (done?.status !== 'succeeded') throw new Error(`${type}: ${done?.status} ${done?.error}`);
}

const listPath = (memberId: string, query = '') =>
  `/v1/members/${encodeURIComponent(memberId)}/recommendations?limit=10${query}`;
const similarPath = (itemId: string) => `/v1/items/${encodeURIComponent(itemId)}/similar?limit=12`;

/** The item ids of the rows with this test id, in order. */
function rowIds(page: Page, testId: string): Promise<string[]> {
  return page
    .locator(`[data-testid="${testId}"]`)
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-item-id') ?? ''));
}

/** A member with a personalised list (history-based reasons), found through the API. */
async function personalisedMember(
  server: E2eServer,
  api: ApiClient,
): Promise<{ id: string; list: MemberList }> {
  const rows = await server.ctx.db
    .selectFrom('events')
    .select('memberId')
    .where('type', '=', 'order_paid')
    .distinct()
    .orderBy('memberId')
    .limit(40)
    .execute();
  for (const { memberId } of rows) {
    const list = await api.get<MemberList>(listPath(memberId));
    if (list.items.length >= 3 && list.strategy !== 'cold-start') return { id: memberId, list };
  }
  throw new Error('no demo member among the first 40 buyers has a personalised list');
}

/** An item whose similar items have similar items of their own, so a click has somewhere to go. */
async function explorableItem(api: ApiClient, start: string[]): Promise<string> {
  for (const itemId of start) {
    const similar = await api.get<SimilarList>(similarPath(itemId));
    const next = similar.items[0];
    if (!next) continue;
    const further = await api.get<SimilarList>(similarPath(next.itemId));
    if (further.items.length > 0) return itemId;
  }
  throw new Error('no item with two steps of similar items');
}

const CATALOGUE_PAGE = 15;
const cataloguePath = (category: string, q: string) =>
  `/v1/items?limit=${CATALOGUE_PAGE}&category=${encodeURIComponent(category)}&q=${encodeURIComponent(q)}`;

/**
 * A part of the item's title (a word of it, longest first, or the title without its brand) whose
 * search, within the item's category, lists the item on the catalogue's first page.
 */
async function searchablePart(api: ApiClient, item: CatalogueItem): Promise<string> {
  const title = item.titleEn ?? item.title;
  const words = [...new Set(title.toLowerCase().match(/[a-z]{4,}/g) ?? [])].sort(
    (a, b) => b.length - a.length,
  );
  const parts = [...words, title.slice(title.indexOf(' ') + 1).toLowerCase()];
  for (const part of parts) {
    const page = await api.get<{ data: CatalogueItem[] }>(cataloguePath(item.category, part));
    if (page.data.some((found) => found.id === item.id)) return part;
  }
  throw new Error(`no part of "${title}" finds ${item.id} on the first catalogue page`);
}

/** Waits until the rows with this test id name exactly these items, in this order. */
async function waitForRows(page: Page, testId: string, ids: string[]): Promise<void> {
  await page.waitForFunction(
    ({ testId, ids }) =>
      [...document.querySelectorAll(`[data-testid="${testId}"]`)]
        .map((row) => row.getAttribute('data-item-id'))
        .join(',') === ids,
    { testId, ids: ids.join(',') },
  );
}

/** The status of a PUT as `role`, for answers the API client would throw on. */
async function putStatus(server: E2eServer, role: 'analyst', path: string, body: unknown): Promise<number> {
  const login = await fetch(`${server.url}/v1/operators/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: role, password: OPERATOR_PASSWORDS[role] }),
  });
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(`${server.url}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(!hasChromium)('recommendations in a browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let admin: ApiClient;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await apiAs(server, 'admin');
    await runToEnd(server, 'recommend.train');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a member’s recommendations with their reasons, strategy and model, and refetches on a filter', async () => {
    const { id, list } = await personalisedMember(server, admin);
    const { context, page } = await openAs(browser, server.url, 'operator');
    await page.goto(`/members/${encodeURIComponent(id)}`);
    const panel = byTestId(page, 'panel-recommendations');
    await panel.locator('[data-testid="rec-item"]').first().waitFor();

    expect(await rowIds(page, 'rec-item')).toEqual(list.items.map((i) => i.itemId));
    const reasons = await byTestId(panel, 'rec-item-reason').allTextContents();
    expect(reasons).toEqual(list.items.map((i) => i.reason.text));
    expect(reasons.every((r) => r.trim().length > 0)).toBe(true);
    await expect(byTestId(panel, 'rec-strategy').getAttribute('data-strategy')).resolves.toBe(list.strategy);
    await expect(byTestId(panel, 'rec-model').getAttribute('data-model-id')).resolves.toBe(
      list.model?.id ?? '',
    );
    await panel.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'member-recommendations');

    // In Chinese the same items carry the server's Chinese reasons.
    await byTestId(page, 'language-switch').selectOption('zh-CN');
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="rec-item-reason"]')?.textContent === text,
      list.items[0]?.reason.textZh,
    );
    expect(await byTestId(panel, 'rec-item-reason').allTextContents()).toEqual(
      list.items.map((i) => i.reason.textZh),
    );

    // The category filter offers the catalogue's categories, largest first, each with its count.
    const { data: catalogue } = await admin.get<{ data: CategoryCount[] }>('/v1/items/categories');
    const categorySelect = panel.locator('[data-testid="rec-filter-category"][data-loaded="true"]');
    await categorySelect.waitFor();
    const options = await categorySelect
      .locator('option')
      .evaluateAll((all) => all.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? '']));
    expect(options.map(([value]) => value)).toEqual(['', ...catalogue.map((c) => c.category)]);
    for (const [i, c] of catalogue.entries()) {
      const label = options[i + 1]?.[1] ?? '';
      expect(label.startsWith(c.category)).toBe(true);
      expect(label.replace(/\D/g, '').endsWith(String(c.items))).toBe(true);
    }

    // Picking a category asks the server again: every row is of that category, as the API says.
    const category = list.items[0]?.category as string;
    const filtered = await admin.get<MemberList>(listPath(id, `&category=${encodeURIComponent(category)}`));
    await categorySelect.selectOption(category);
    await waitForRows(
      page,
      'rec-item',
      filtered.items.map((i) => i.itemId),
    );
    const categories = await page
      .locator('[data-testid="rec-item"]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-category')));
    expect(categories.every((c) => c === category)).toBe(true);

    // In stock only: no row is out of stock.
    await byTestId(panel, 'rec-filter-stock').selectOption('true');
    const inStock = await admin.get<MemberList>(
      listPath(id, `&category=${encodeURIComponent(category)}&inStock=true`),
    );
    await waitForRows(
      page,
      'rec-item',
      inStock.items.map((i) => i.itemId),
    );
    const stock = await page
      .locator('[data-testid="rec-item"]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-in-stock')));
    expect(stock.every((s) => s === 'true')).toBe(true);
    await context.close();
  });

  it('retrains from the models page and shows the new run with its metrics, candidates, curve and A/B report', async () => {
    // The store serves a member's list (an operator's look would be a preview, outside the
    // report) and sends back a click on it: a view naming the list's id.
    const { id: memberId } = await personalisedMember(server, admin);
    const storeKey = await apiKeyWithScopes(server.ctx, ['recommend:read']);
    const served = await fetch(`${server.url}${listPath(memberId)}`, {
      headers: { authorization: `Bearer ${storeKey}` },
    });
    const list = (await served.json()) as MemberList;
    await admin.post('/v1/events', {
      events: [
        {
          id: `e2e-rec-click-${list.recommendationId}`,
          type: 'view',
          memberId,
          itemId: list.items[0]?.itemId,
          occurredAt: new Date().toISOString(),
          properties: { recommendationId: list.recommendationId },
        },
      ],
    });
    const report = await admin.get<Report>('/v1/recommendations/report');
    const variant = report.variants.find((v) => v.variant === (list.model?.variant ?? v.variant));
    expect(variant?.clicks).toBeGreaterThanOrEqual(1);

    // ALS trains in iterations, so the run it produces has a training curve to draw.
    const current = await admin.get<Settings>('/v1/recommendations/settings');
    await admin.put('/v1/recommendations/settings', {
      version: current.version,
      settings: { ...current.settings, model: 'als' },
    });
    const { context, page } = await openAs(browser, server.url, 'admin');
    await byTestId(page, 'nav-recommend').click();
    await page.waitForURL('**/insights/recommendations');
    await byTestId(page, 'rec-run').first().waitFor();
    const before = await byTestId(page, 'rec-run').count();

    await byTestId(page, 'rec-retrain').click();
    const job = byTestId(page, 'rec-retrain-job');
    await job.waitFor();
    await runJob(server.ctx, (await job.getAttribute('data-job-id')) as string);
    await page.locator('[data-testid="rec-retrain-job"][data-status="succeeded"]').waitFor();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="rec-run"]').length > n,
      before,
    );

    const runs = await admin.get<{ data: Run[] }>('/v1/models?kind=recommend&limit=20');
    const latest = runs.data[0] as Run;
    expect(latest.params.model).toBe('als');
    const first = byTestId(page, 'rec-run').first();
    await expect(first.getAttribute('data-run-id')).resolves.toBe(latest.id);
    expect(Number(await byTestId(first, 'rec-run-ndcg').getAttribute('data-value'))).toBeCloseTo(
      latest.metrics.validation.ndcg,
      9,
    );
    expect(Number(await byTestId(first, 'rec-run-hr').getAttribute('data-value'))).toBeCloseTo(
      latest.metrics.validation.hr,
      9,
    );
    await expect(byTestId(page, 'rec-run-detail').getAttribute('data-run-id')).resolves.toBe(latest.id);
    expect(await byTestId(page, 'rec-candidate').count()).toBe(latest.metrics.candidates.length);
    expect(latest.metrics.curve.length).toBeGreaterThan(0);
    const curve = page.locator('[data-testid="chart-rec-curve"][data-rendered="true"]');
    await curve.waitFor();
    await expect(curve.getAttribute('data-points')).resolves.toBe(String(latest.metrics.curve.length));

    await byTestId(page, 'rec-run-detail').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'recommend-models');

    // The A/B section draws the report's days and lists each variant's CTR as the API gives it.
    const ctrChart = page.locator('[data-testid="chart-rec-ctr"][data-rendered="true"]');
    await ctrChart.waitFor();
    await expect(ctrChart.getAttribute('data-points')).resolves.toBe(
      String(new Set(report.daily.map((d) => d.day)).size),
    );
    const rows = byTestId(page, 'rec-ab-row');
    expect(await rows.count()).toBe(report.variants.length);
    for (const [i, variant] of report.variants.entries()) {
      const shown = await byTestId(rows.nth(i), 'rec-ab-ctr').getAttribute('data-value');
      expect(Number(shown)).toBeCloseTo(variant.ctr ?? Number.NaN, 9);
    }

    // An earlier run can be picked; its details replace the latest's.
    const earlier = byTestId(page, 'rec-run').nth(1);
    const earlierId = (await earlier.getAttribute('data-run-id')) as string;
    await earlier.click();
    await page.locator(`[data-testid="rec-run-detail"][data-run-id="${earlierId}"]`).waitFor();
    await byTestId(page, 'chart-rec-ctr').waitFor();
    await context.close();
  });

  it('finds an item by part of its title and follows a click to its similar items in the explorer', async () => {
    const member = await personalisedMember(server, admin);
    const start = await explorableItem(
      admin,
      member.list.items.map((i) => i.itemId),
    );
    const { context, page } = await openAs(browser, server.url, 'analyst');
    await byTestId(page, 'nav-similar').click();
    await page.waitForURL('**/insights/similar');

    // Picking from the catalogue opens that item.
    const pick = byTestId(page, 'rec-catalogue-item').first();
    const picked = (await pick.getAttribute('data-item-id')) as string;
    await pick.click();
    await page.waitForURL(`**/insights/similar/${encodeURIComponent(picked)}`);
    await page.locator(`[data-testid="rec-similar"][data-item-id="${picked}"]`).waitFor();

    // The title search, within a category from the select: the catalogue lists what the API finds,
    // and picking the item opens it.
    const item = await admin.get<CatalogueItem>(`/v1/items/${encodeURIComponent(start)}`);
    const part = await searchablePart(admin, item);
    const found = await admin.get<{ data: CatalogueItem[] }>(cataloguePath(item.category, part));
    await page
      .locator('[data-testid="rec-catalogue-category"][data-loaded="true"]')
      .selectOption(item.category);
    await byTestId(page, 'rec-catalogue-search').fill(part);
    await waitForRows(
      page,
      'rec-catalogue-item',
      found.data.map((i) => i.id),
    );
    await page.locator(`[data-testid="rec-catalogue-item"][data-item-id="${start}"]`).click();
    await page.waitForURL(`**/insights/similar/${encodeURIComponent(start)}`);

    // An item with similar items: the list is the API's, and a click explores the result.
    const similar = await admin.get<SimilarList>(similarPath(start));
    await byTestId(page, 'rec-similar-item').first().waitFor();
    expect(await rowIds(page, 'rec-similar-item')).toEqual(similar.items.map((i) => i.itemId));
    expect(await byTestId(page, 'rec-similar-item-reason').allTextContents()).toEqual(
      similar.items.map((i) => i.reason.text),
    );

    const next = similar.items[0]?.itemId as string;
    await byTestId(page, 'rec-similar-link').first().click();
    await page.waitForURL(`**/insights/similar/${encodeURIComponent(next)}`);
    await page.locator(`[data-testid="rec-similar"][data-item-id="${next}"]`).waitFor();
    const further = await admin.get<SimilarList>(similarPath(next));
    await waitForRows(
      page,
      'rec-similar-item',
      further.items.map((i) => i.itemId),
    );
    await saveScreenshot(page, 'recommend-similar');

    // Back returns to the item explored before.
    await page.goBack();
    await page.locator(`[data-testid="rec-similar"][data-item-id="${start}"]`).waitFor();

    // An item id opens that item directly.
    await byTestId(page, 'rec-similar-id').fill(next);
    await byTestId(page, 'rec-similar-open').click();
    await page.waitForURL(`**/insights/similar/${encodeURIComponent(next)}`);
    await page.locator(`[data-testid="rec-similar"][data-item-id="${next}"]`).waitFor();
    await context.close();
  });

  it('lets an analyst read the settings but not save them; an operator saves, with errors at their fields', async () => {
    const analyst = await openAs(browser, server.url, 'analyst');
    await analyst.page.goto('/insights/recommendations');
    await byTestId(analyst.page, 'rec-settings').waitFor();
    await byTestId(analyst.page, 'rec-settings-readonly').waitFor();
    expect(await byTestId(analyst.page, 'rec-settings-save').count()).toBe(0);
    expect(await byTestId(analyst.page, 'rec-retrain').count()).toBe(0);
    await expect(byTestId(analyst.page, 'rec-settings-half-life').isDisabled()).resolves.toBe(true);
    const current = await admin.get<Settings>('/v1/recommendations/settings');
    expect(
      await putStatus(server, 'analyst', '/v1/recommendations/settings', {
        version: current.version,
        settings: current.settings,
      }),
    ).toBe(403);
    await analyst.context.close();

    const { context, page } = await openAs(browser, server.url, 'operator');
    await page.goto('/insights/recommendations');
    const halfLife = byTestId(page, 'rec-settings-half-life');
    await halfLife.waitFor();
    await expect(halfLife.inputValue()).resolves.toBe(String(current.settings.halfLifeDays));

    // The server's message appears at the field it names.
    await halfLife.fill('-5');
    await byTestId(page, 'rec-settings-save').click();
    await byTestId(page, 'rec-settings-invalid').waitFor();
    await byTestId(page, 'rec-settings-half-life-error').waitFor();

    // Someone else saves meanwhile: the stale save is a conflict, and reloading shows theirs.
    await admin.put('/v1/recommendations/settings', {
      version: current.version,
      settings: { ...current.settings, halfLifeDays: 45 },
    });
    await halfLife.fill('60');
    await byTestId(page, 'rec-settings-save').click();
    await byTestId(page, 'rec-settings-conflict').waitFor();
    await byTestId(page, 'rec-settings-reload').click();
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="rec-settings-half-life"]') as HTMLInputElement | null)
          ?.value === '45',
    );

    await byTestId(page, 'rec-settings-half-life').fill('60');
    await byTestId(page, 'rec-settings-save').click();
    await byTestId(page, 'rec-settings-saved').waitFor();
    const saved = await admin.get<Settings>('/v1/recommendations/settings');
    expect(saved.settings.halfLifeDays).toBe(60);
    expect(saved.version).toBe(current.version + 2);
    await context.close();
  });
});
