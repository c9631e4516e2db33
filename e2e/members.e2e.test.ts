// Investigating a member: search and open the page (admin), masked data for analysts, and an
// operator's audited reveal that an auditor then finds in the audit log.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byTestId, hasChromium, launchBrowser, openAs, saveScreenshot, textOf } from './support/browser.ts';
import {
  countAudit,
  type DemoMember,
  demoMemberWithEmail,
  type E2eServer,
  startServer,
} from './support/server.ts';

const PII_READ = 'member.pii.read';

/** Sets a filter control, whichever kind the page uses (a select or a text box). */
async function setFilter(control: Locator, value: string): Promise<void> {
  const tag = await control.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'select') {
    await control.selectOption(value);
    return;
  }
  await control.fill(value);
  // A text filter may apply as you type or on submit: Enter covers both.
  await control.press('Enter');
}

async function memberIds(page: Page): Promise<string[]> {
  return byTestId(page, 'member-row').evaluateAll((rows) =>
    rows.map((r) => r.getAttribute('data-member-id') ?? ''),
  );
}

/** Waits until the profile shows a value in the email field and returns it. */
async function shownEmail(page: Page): Promise<string> {
  await page.waitForFunction(() =>
    (document.querySelector('[data-testid="member-email"]')?.textContent ?? '').includes('@'),
  );
  return textOf(byTestId(page, 'member-email'));
}

describe.skipIf(!hasChromium)('members in a browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let member: DemoMember;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    member = await demoMemberWithEmail(server.ctx);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists members page by page', async () => {
    const { context, page } = await openAs(browser, server.url, 'admin');
    await byTestId(page, 'nav-members').click();
    await byTestId(page, 'member-row').first().waitFor();
    const first = await memberIds(page);
    expect(first.length).toBeGreaterThan(1);
    await saveScreenshot(page, 'members');
    await byTestId(page, 'members-next-page').click();
    await page.waitForFunction(
      (firstId) =>
        document.querySelector('[data-testid="member-row"]')?.getAttribute('data-member-id') !== firstId,
      first[0],
    );
    const second = await memberIds(page);
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    await context.close();
  });

  it('finds a member by email and by id, and opens the member page with events, points and panels', async () => {
    const { context, page } = await openAs(browser, server.url, 'admin');
    for (const query of [member.email.toUpperCase(), member.id]) {
      await page.goto('/members');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="member-row"]').length > 1);
      await byTestId(page, 'member-search-input').fill(query);
      await byTestId(page, 'member-search-submit').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="member-row"]').length === 1);
      expect(await memberIds(page)).toEqual([member.id]);
    }
    await byTestId(page, 'member-row').click();
    await page.waitForURL(`**/members/${member.id}`);
    await byTestId(page, 'member-profile').waitFor();
    await byTestId(page, 'member-events').locator('[data-testid="event-row"]').first().waitFor();
    expect(await byTestId(page, 'event-row').count()).toBeGreaterThan(0);
    await byTestId(page, 'member-orders').waitFor();
    // The points and tier panels come with a chunk of their own.
    await byTestId(page, 'member-points').waitFor();
    for (const panel of [
      'member-points',
      'member-tier',
      'panel-value',
      'panel-recommendations',
      'panel-risk',
    ]) {
      await expect(byTestId(page, panel).isVisible(), panel).resolves.toBe(true);
    }
    // The page asks for the masked view: opening it is not a read of personal data.
    const email = await shownEmail(page);
    expect(email).not.toBe(member.email);
    await expect(byTestId(page, 'reveal-pii').isVisible()).resolves.toBe(true);
    await saveScreenshot(page, 'member');
    expect(await countAudit(server.ctx, PII_READ, member.id)).toBe(0);
    await context.close();
  });

  it('shows an analyst masked personal data and no reveal button', async () => {
    const { context, page } = await openAs(browser, server.url, 'analyst');
    await page.goto(`/members/${member.id}`);
    const email = await shownEmail(page);
    expect(email).toContain('***');
    expect(email).not.toBe(member.email);
    if (member.phone) {
      const phone = await textOf(byTestId(page, 'member-phone'));
      expect(phone).toContain('*');
      expect(phone).not.toBe(member.phone);
    }
    await byTestId(page, 'member-events').waitFor();
    expect(await byTestId(page, 'reveal-pii').count()).toBe(0);
    expect(await countAudit(server.ctx, PII_READ, member.id)).toBe(0);
    await context.close();
  });

  it("audits an operator's reveal, and the auditor finds it in a verified audit log", async () => {
    const operator = await openAs(browser, server.url, 'operator');
    await operator.page.goto(`/members/${member.id}`);
    expect(await shownEmail(operator.page)).toContain('***');
    await byTestId(operator.page, 'reveal-pii').click();
    await operator.page.waitForFunction(
      (email) => document.querySelector('[data-testid="member-email"]')?.textContent?.trim() === email,
      member.email,
    );
    expect(await countAudit(server.ctx, PII_READ, member.id)).toBe(1);
    await operator.context.close();

    const auditor = await openAs(browser, server.url, 'auditor');
    await byTestId(auditor.page, 'nav-audit').click();
    const entry = auditor.page.locator(
      `[data-testid="audit-row"][data-action="${PII_READ}"][data-target-id="${member.id}"]`,
    );
    await entry.waitFor();
    const status = byTestId(auditor.page, 'audit-verify-status');
    await auditor.page.locator('[data-testid="audit-verify-status"][data-ok]').waitFor();
    await expect(status.getAttribute('data-ok')).resolves.toBe('true');
    await expect(textOf(status)).resolves.toMatch(/ok/i);
    await saveScreenshot(auditor.page, 'audit');

    // Filtering by action leaves only that action's entries, the reveal among them.
    await setFilter(byTestId(auditor.page, 'audit-filter-action'), PII_READ);
    await auditor.page.waitForFunction((action) => {
      const rows = [...document.querySelectorAll('[data-testid="audit-row"]')];
      return rows.length > 0 && rows.every((row) => row.getAttribute('data-action') === action);
    }, PII_READ);
    await entry.waitFor();
    await auditor.context.close();
  });
});
