// An admin signs in and lands on the overview: KPIs from the demo shop and three drawn charts.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  byTestId,
  hasChromium,
  launchBrowser,
  loginAs,
  openPage,
  saveScreenshot,
  textOf,
} from './support/browser.ts';
import { DEMO_MEMBERS, type E2eServer, startServer } from './support/server.ts';

describe.skipIf(!hasChromium)('overview in a browser', () => {
  let server: E2eServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the demo shop after an admin logs in: member KPIs and three charts with data', async () => {
    const { context, page } = await openPage(browser, server.url);
    await loginAs(page, 'admin');
    await expect(textOf(byTestId(page, 'current-user'))).resolves.toMatch(/admin/);
    // The overview is the landing page.
    const total = byTestId(page, 'kpi-members-total');
    await page.waitForFunction(
      (sel) => /\d/.test(document.querySelector(sel)?.textContent ?? ''),
      '[data-testid="kpi-members-total"]',
    );
    expect(Number((await textOf(total)).replace(/\D/g, ''))).toBe(DEMO_MEMBERS);
    for (const id of ['kpi-new-7d', 'kpi-active-30d']) {
      await expect(textOf(byTestId(page, id))).resolves.toMatch(/\d/);
    }
    for (const chart of ['chart-orders', 'chart-events', 'chart-categories']) {
      const drawn = page.locator(`[data-testid="${chart}"][data-rendered="true"]`);
      await drawn.waitFor();
      expect(Number(await drawn.getAttribute('data-points')), chart).toBeGreaterThan(0);
      // ECharts draws into a canvas (or SVG) inside the container.
      expect(await drawn.locator('canvas, svg').count(), chart).toBeGreaterThan(0);
    }
    // One point per day of the picked range (inclusive) on the daily charts, empty days included.
    const from = await byTestId(page, 'date-from').inputValue();
    const to = await byTestId(page, 'date-to').inputValue();
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    expect(days).toBeGreaterThanOrEqual(28);
    for (const chart of ['chart-orders', 'chart-events']) {
      await expect(byTestId(page, chart).getAttribute('data-points')).resolves.toBe(String(days));
    }
    await saveScreenshot(page, 'overview');
    await byTestId(page, 'chart-events').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'overview-charts');
    await context.close();
  });

  it('redraws the daily charts for a picked date range', async () => {
    const { context, page } = await openPage(browser, server.url);
    await loginAs(page, 'admin');
    await page.locator('[data-testid="chart-orders"][data-rendered="true"]').waitFor();
    const to = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const from = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    await byTestId(page, 'date-from').fill(from);
    await byTestId(page, 'date-to').fill(to);
    await page.locator('[data-testid="chart-orders"][data-rendered="true"][data-points="7"]').waitFor();
    await page.locator('[data-testid="chart-events"][data-rendered="true"][data-points="7"]').waitFor();
    await context.close();
  });
});
