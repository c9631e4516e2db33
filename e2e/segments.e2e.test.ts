// The segment builder in a browser: "orders ≥ 2 and bought in a category in the last 365 days"
// built through the UI with its live count following every change (checked against the API's
// own preview), a local and a server validation message at their conditions, save, the list
// with its size, the CSV export, an edit saved as version 2, a version conflict; and roles
// (an analyst builds and saves, an auditor does not see the segments).
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJob, runJob } from '../src/modules/jobs/index.ts';
import { type ApiClient, apiAs } from './support/api.ts';
import { byTestId, hasChromium, launchBrowser, openAs, saveScreenshot, textOf } from './support/browser.ts';
import { type E2eServer, OPERATOR_PASSWORDS, startServer } from './support/server.ts';

interface SegmentDto {
  id: string;
  name: string;
  description: string | null;
  definition: unknown;
  version: number;
  size: number | null;
}

/** The condition node whose API path (inside the definition) is `path`; '' is the root group. */
function node(page: Page, path: string): Locator {
  return page.locator(`[data-path="${path}"]`);
}

/** The root group's own add buttons (not those of nested groups). */
function rootButton(page: Page, testId: string): Locator {
  return page.locator(`[data-testid="seg-group"][data-path=""] > .cond-actions > [data-testid="${testId}"]`);
}

/** Waits until the live count has caught up with every edit and shows `size`. */
async function liveCountIs(page: Page, size: number): Promise<void> {
  await page
    .locator(
      `[data-testid="seg-live"][aria-busy="false"] [data-testid="seg-live-count"][data-value="${size}"]`,
    )
    .waitFor();
}

const ordersAtLeast = (n: number) => ({ field: 'profile.orders', op: 'gte', value: n });
const boughtIn = (category: string, withinDays = 365) => ({
  event: { type: 'order_paid', category, withinDays },
  count: { op: 'gte', value: 1 },
});

describe.skipIf(!hasChromium)('segment builder in a browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let operator: ApiClient;
  let category: string;
  /** The operator's bearer token, for the one call ApiClient has no verb for (DELETE). */
  const operatorToken = async () => {
    const login = await fetch(`${server.url}/v1/operators/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: OPERATOR_PASSWORDS.operator }),
    });
    return ((await login.json()) as { token: string }).token;
  };
  const preview = async (definition: unknown) =>
    (await operator.post<{ size: number; sample: string[] }>('/v1/segments/preview', { definition })).size;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    operator = await apiAs(server, 'operator');
    // The demo shop's profiles, which the profile fields read (the e2e server has no worker).
    const rebuild = await createJob(server.ctx, 'profiles.rebuild', {}, null);
    await runJob(server.ctx, rebuild.id);
    // A top-level category that narrows "orders ≥ 2" without emptying it, so the count must move.
    const items = await operator.get<{ data: { category: string | null }[] }>('/v1/items?limit=200');
    const categories = [...new Set(items.data.map((i) => i.category).filter((c): c is string => Boolean(c)))];
    const all = await preview(ordersAtLeast(2));
    for (const candidate of categories) {
      const size = await preview({ all: [ordersAtLeast(2), boughtIn(candidate)] });
      if (size > 0 && size < all) {
        category = candidate;
        break;
      }
    }
    if (!category) throw new Error('no demo category narrows orders ≥ 2');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('builds a segment with a live count, shows errors at their conditions, saves, lists, exports, edits and archives it', async () => {
    const { context, page } = await openAs(browser, server.url, 'operator');
    await byTestId(page, 'nav-segments').click();
    await page.waitForURL('**/insights/segments');
    await byTestId(page, 'segments-page').waitFor();
    await byTestId(page, 'segments-new').click();
    await page.waitForURL('**/insights/segments/new');
    await byTestId(page, 'seg-name').fill('E2E repeat buyers of a category');

    // orders ≥ 2: the live count is the API's count of the same definition.
    await rootButton(page, 'seg-add-field').click();
    const orders = node(page, 'all.0');
    await orders.locator('[data-testid="seg-field"]').selectOption('profile.orders');
    await orders.locator('[data-testid="seg-op"]').selectOption('gte');
    await orders.locator('[data-testid="seg-value"]').fill('2');
    const onlyOrders = await preview({ all: [ordersAtLeast(2)] });
    await liveCountIs(page, onlyOrders);
    expect(await byTestId(page, 'seg-sample-member').count()).toBe(Math.min(onlyOrders, 20));

    // … and bought in the category at least once in the last 365 days: the count changes.
    await rootButton(page, 'seg-add-event').click();
    const bought = node(page, 'all.1');
    await bought.locator('[data-testid="seg-event-type"]').selectOption('order_paid');
    await bought.locator('[data-testid="seg-event-category"]').fill(category);
    await bought.locator('[data-testid="seg-event-count-op"]').selectOption('gte');
    await bought.locator('[data-testid="seg-event-countValue"]').fill('1');
    await bought.locator('[data-testid="seg-event-withinDays"]').fill('365');
    const both = await preview({ all: [ordersAtLeast(2), boughtIn(category)] });
    expect(both).toBeLessThan(onlyOrders);
    await liveCountIs(page, both);
    const sample = byTestId(page, 'seg-sample-member').first();
    const sampleId = await sample.getAttribute('data-member-id');
    expect(await sample.getAttribute('href')).toBe(`/members/${sampleId}`);

    // A leaf changes (orders ≥ 3): the count follows.
    await orders.locator('[data-testid="seg-value"]').fill('3');
    await liveCountIs(page, await preview({ all: [ordersAtLeast(3), boughtIn(category)] }));

    // Not a number: the message is at that condition, and nothing is counted meanwhile.
    await orders.locator('[data-testid="seg-value"]').fill('two');
    await expect(textOf(orders.locator('[data-testid="seg-leaf-error"]'))).resolves.toBe('Enter a number.');
    await byTestId(page, 'seg-live').getByText('Fix the marked conditions to count.').waitFor();
    await orders.locator('[data-testid="seg-value"]').fill('2');
    await expect(orders.locator('[data-testid="seg-leaf-error"]').count()).resolves.toBe(0);

    // A value only the server refuses (0 days): its message lands on the event condition.
    await bought.locator('[data-testid="seg-event-withinDays"]').fill('0');
    const serverError = bought.locator('[data-testid="seg-leaf-error"]');
    await serverError.waitFor();
    expect(await textOf(serverError)).toMatch(/1/);
    expect(await orders.locator('[data-testid="seg-leaf-error"]').count()).toBe(0);
    await bought.locator('[data-testid="seg-event-withinDays"]').fill('365');
    await liveCountIs(page, both);
    await saveScreenshot(page, 'segment-builder');

    // The JSON view holds the definition exactly as Save sends it.
    await byTestId(page, 'seg-view-json').click();
    const json = JSON.parse(await byTestId(page, 'seg-json').inputValue());
    expect(json).toEqual({ all: [ordersAtLeast(2), boughtIn(category)] });
    await byTestId(page, 'seg-view-form').click();

    await byTestId(page, 'seg-save').click();
    await page.waitForURL(/\/insights\/segments\/seg_/);
    const id = decodeURIComponent(page.url().split('/').pop() ?? '');
    await byTestId(page, 'seg-saved').waitFor();
    await expect(byTestId(page, 'seg-size').getAttribute('data-value')).resolves.toBe(String(both));
    const saved = await operator.get<SegmentDto>(`/v1/segments/${id}`);
    expect(saved.definition).toEqual({ all: [ordersAtLeast(2), boughtIn(category)] });

    // The list shows it with its size; opening it restores the tree.
    await page.getByRole('link', { name: 'All segments' }).first().click();
    await page.waitForURL('**/insights/segments');
    const row = page.locator(`[data-testid="segment-row"][data-segment-id="${id}"]`);
    await expect(row.locator('[data-testid="segment-size"]').getAttribute('data-value')).resolves.toBe(
      String(both),
    );
    await row.locator('[data-testid="segment-link"]').click();
    await page.waitForURL(`**/insights/segments/${id}`);
    await expect(node(page, 'all.0').locator('[data-testid="seg-value"]').inputValue()).resolves.toBe('2');
    await expect(
      node(page, 'all.1').locator('[data-testid="seg-event-category"]').inputValue(),
    ).resolves.toBe(category);
    await byTestId(page, 'chart-segment-sizes').waitFor();

    // The export: a header and one line per member counted.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      byTestId(page, 'seg-export').click(),
    ]);
    const lines = readFileSync((await download.path()) as string, 'utf8')
      .split('\n')
      .filter(Boolean);
    expect(lines[0]).toBe('member_id');
    expect(lines.length - 1).toBe(both);

    // Edit and save again: version 2 with the new definition and size.
    await node(page, 'all.0').locator('[data-testid="seg-value"]').fill('3');
    const three = await preview({ all: [ordersAtLeast(3), boughtIn(category)] });
    await liveCountIs(page, three);
    await byTestId(page, 'seg-save').click();
    await byTestId(page, 'seg-saved').getByText('Saved as version 2.').waitFor();
    await page.locator(`[data-testid="seg-size"][data-value="${three}"]`).waitFor();
    const edited = await operator.get<SegmentDto>(`/v1/segments/${id}`);
    expect(edited.version).toBe(2);
    expect(edited.definition).toEqual({ all: [ordersAtLeast(3), boughtIn(category)] });

    // Someone else saves meanwhile: the next save says so, and Reload shows their version.
    await operator.put(`/v1/segments/${id}`, {
      name: edited.name,
      description: 'changed elsewhere',
      definition: edited.definition,
      version: 2,
    });
    await byTestId(page, 'seg-name').fill('E2E repeat buyers, renamed');
    await byTestId(page, 'seg-save').click();
    await byTestId(page, 'seg-conflict').waitFor();
    await byTestId(page, 'seg-reload').click();
    await expect(byTestId(page, 'seg-description').inputValue()).resolves.toBe('changed elsewhere');
    await expect(byTestId(page, 'seg-name').inputValue()).resolves.toBe(edited.name);

    // Archive: refused while another segment refers to it, then done.
    const user = await operator.post<SegmentDto>('/v1/segments', {
      name: 'E2E refers to the category buyers',
      definition: { segment: id },
    });
    await byTestId(page, 'seg-archive').click();
    await byTestId(page, 'seg-archive-yes').click();
    await expect(textOf(byTestId(page, 'seg-archive-error'))).resolves.toContain('used elsewhere');
    const gone = await fetch(`${server.url}/v1/segments/${user.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await operatorToken()}` },
    });
    expect(gone.status).toBe(204);
    await byTestId(page, 'seg-archive').click();
    await byTestId(page, 'seg-archive-yes').click();
    await page.waitForURL('**/insights/segments');
    await byTestId(page, 'segments-page').waitFor();
    await page.locator(`[data-testid="segment-row"][data-segment-id="${id}"]`).waitFor({ state: 'detached' });
    await context.close();
  });

  it('lets an analyst build and save a segment, and keeps the segments from an auditor', async () => {
    const analyst = await openAs(browser, server.url, 'analyst');
    const page = analyst.page;
    await byTestId(page, 'nav-segments').click();
    await page.waitForURL('**/insights/segments');
    await byTestId(page, 'segments-new').click();
    await byTestId(page, 'seg-name').fill('E2E analyst segment');
    await rootButton(page, 'seg-add-field').click();
    const leaf = node(page, 'all.0');
    await leaf.locator('[data-testid="seg-field"]').selectOption('profile.orders');
    await leaf.locator('[data-testid="seg-op"]').selectOption('gte');
    await leaf.locator('[data-testid="seg-value"]').fill('1');
    await liveCountIs(page, await preview({ all: [ordersAtLeast(1)] }));
    await byTestId(page, 'seg-save').click();
    await page.waitForURL(/\/insights\/segments\/seg_/);
    await byTestId(page, 'seg-saved').waitFor();
    await analyst.context.close();

    const auditor = await openAs(browser, server.url, 'auditor');
    await expect(byTestId(auditor.page, 'nav-segments').count()).resolves.toBe(0);
    await expect(byTestId(auditor.page, 'nav-group-insights').count()).resolves.toBe(0);
    await auditor.page.goto('/insights/segments');
    await auditor.page.waitForURL('**/audit');
    await auditor.context.close();
  });
});
