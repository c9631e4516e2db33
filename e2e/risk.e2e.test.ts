// Risk review in a browser: a store's order checks by members registered moments before open
// review cases (two of them on one device, a third member on it blocked); an analyst finds the
// case in the queue, reads its reasons, the chart and the linked-accounts graph (with the
// neighbour another analyst labelled fraud), comments, resolves it as fraud, and sees it leave
// the open queue while the API holds the label. An operator acting on a case someone changed
// since meets the conflict, with the page reloaded, and the second try assigns it. In Chinese the
// reasons read as the server's Chinese descriptions.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyWithScopes } from '../src/testing/credentials.ts';
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

interface CheckReply {
  decisionId: string;
  decision: 'allow' | 'review' | 'block';
  score: number;
  reasons: { code: string; description: string; descriptionZh?: string }[];
  caseId?: string;
}

interface CaseDetail {
  id: string;
  memberId: string;
  score: number;
  status: 'open' | 'resolved';
  assignee: string | null;
  resolution: 'fraud' | 'legit' | null;
  note: string | null;
  resolvedBy: string | null;
  version: number;
  decision: { reasons: { code: string; description: string; descriptionZh?: string }[] };
  comments: { author: string; text: string }[];
}

interface LinkGraph {
  nodes: { id: string; kind: string; fraud?: boolean }[];
}

const FARM_DEVICE = 'dev-e2e-farm';
const casePath = (id: string) => `/v1/risk/cases/${encodeURIComponent(id)}`;

/** The id of the e2e operator with this username (username = role). */
async function operatorId(server: E2eServer, username: string): Promise<string> {
  const row = await server.ctx.db
    .selectFrom('operators')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The rows of the queue once it has loaded (the table, or its empty state). */
async function queueCaseIds(page: Page): Promise<string[]> {
  await page.locator('[data-testid="risk-cases"], [data-testid="page-empty"]').first().waitFor();
  return page
    .locator('[data-testid="risk-case-row"]')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-case-id') ?? ''));
}

describe.skipIf(!hasChromium)('risk review in a browser', () => {
  let server: E2eServer;
  let browser: Browser;
  let admin: ApiClient;
  let storeKey: string;
  /** The case the analyst resolves, its member and the two members sharing its device. */
  let mainCase: string;
  let conflictCase: string;

  const store = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${storeKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  /** Registers a member now, then checks an order of ¥99 by them from this device and IP. */
  const orderByNewMember = async (memberId: string, deviceId: string, ip: string) => {
    await store('/v1/members', { id: memberId, registeredAt: new Date().toISOString() });
    return store<CheckReply>('/v1/risk/check', {
      action: 'order',
      memberId,
      amount: { amount: 9900, currency: 'CNY' },
      context: { deviceId, ip },
    });
  };

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await apiAs(server, 'admin');
    storeKey = await apiKeyWithScopes(server.ctx, ['risk:check', 'members:write']);

    const first = await orderByNewMember('rk-e2e-a', FARM_DEVICE, '10.9.0.1');
    const second = await orderByNewMember('rk-e2e-b', FARM_DEVICE, '10.9.0.2');
    // The third member on the device adds the shared-device signal on top: blocked, no case, but
    // its check links it in the graph all the same.
    await orderByNewMember('rk-e2e-c', FARM_DEVICE, '10.9.0.3');
    const solo = await orderByNewMember('rk-e2e-d', 'dev-e2e-solo', '10.9.1.1');
    for (const reply of [first, second, solo]) {
      expect(reply.decision).toBe('review');
      expect(reply.caseId).toBeTruthy();
    }
    mainCase = first.caseId as string;
    conflictCase = solo.caseId as string;
    // Another reviewer already found the second member to be a fraud: the graph marks them.
    await admin.post(`${casePath(second.caseId as string)}/resolve`, { label: 'fraud' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('resolves a case as fraud: queue, reasons, linked accounts, comment, resolution, and the API agrees', async () => {
    const before = await admin.get<CaseDetail>(casePath(mainCase));
    const links = await admin.get<LinkGraph>('/v1/risk/members/rk-e2e-a/links');
    expect(links.nodes.map((n) => n.id)).toEqual(
      expect.arrayContaining(['rk-e2e-a', 'rk-e2e-b', 'rk-e2e-c', `device:${FARM_DEVICE}`]),
    );

    const { context, page } = await openAs(browser, server.url, 'analyst');
    await byTestId(page, 'nav-risk').click();
    const row = page.locator(`[data-testid="risk-case-row"][data-case-id="${mainCase}"]`);
    await row.waitFor();
    expect(await textOf(byTestId(row, 'risk-case-score'))).toContain(String(before.score));
    expect(await byTestId(row, 'risk-case-status').getAttribute('data-status')).toBe('open');
    expect(await row.getAttribute('data-member-id')).toBe('rk-e2e-a');

    await byTestId(row, 'risk-case-link').click();
    await page.locator(`[data-testid="risk-case"][data-case-id="${mainCase}"]`).waitFor();
    const reason = page.locator('[data-testid="risk-reason"][data-code="ORDER_WITHIN_MINUTE_OF_SIGNUP"]');
    const expected = before.decision.reasons.find((r) => r.code === 'ORDER_WITHIN_MINUTE_OF_SIGNUP');
    expect(await textOf(byTestId(reason, 'risk-reason-text'))).toBe(expected?.description);
    expect(await page.locator('[data-testid="risk-reason"]').count()).toBe(before.decision.reasons.length);
    await page.locator('[data-testid="risk-reasons-chart"][data-rendered="true"]').waitFor();
    expect(await byTestId(page, 'risk-case-member').getAttribute('href')).toBe('/members/rk-e2e-a');
    expect(await textOf(byTestId(page, 'risk-context-device'))).toContain(FARM_DEVICE);
    expect(await textOf(byTestId(page, 'risk-context-ip'))).toContain('10.9.0.1');
    // The account age is among the feature values, labelled from the catalogue.
    await page.locator('[data-testid="risk-feature"][data-feature="account.ageHours"]').waitFor();

    // The graph: a canvas with every node of the API's graph; the fraud neighbour is marked.
    const graph = page.locator('[data-testid="risk-links-graph"][data-rendered="true"]');
    await graph.waitFor();
    expect(Number(await graph.getAttribute('data-points'))).toBe(links.nodes.length);
    expect(await graph.locator('canvas').count()).toBeGreaterThan(0);
    const linked = page.locator('[data-testid="risk-linked-member"]');
    await linked.first().waitFor();
    const fraudFlags = await linked.evaluateAll((items) =>
      Object.fromEntries(
        items.map((item) => [
          item.querySelector('[data-member-id]')?.getAttribute('data-member-id') ?? '',
          item.getAttribute('data-fraud'),
        ]),
      ),
    );
    expect(fraudFlags).toEqual({ 'rk-e2e-b': 'true', 'rk-e2e-c': 'false' });
    await saveScreenshot(page, 'risk-case');
    await byTestId(page, 'risk-links').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'risk-links');

    // Comment, then resolve as fraud with a note.
    const comment = 'Three new accounts on one device within a minute; same basket.';
    await byTestId(page, 'risk-comment-text').fill(comment);
    await byTestId(page, 'risk-comment-submit').click();
    await page
      .locator('[data-testid="risk-timeline-entry"][data-kind="comment"] [data-testid="risk-timeline-text"]')
      .filter({ hasText: comment })
      .waitFor();
    expect(await textOf(byTestId(page, 'risk-comment-text'))).toBe('');

    const note = 'Device farm';
    await byTestId(page, 'risk-resolve-note').fill(note);
    await byTestId(page, 'risk-resolve-fraud').click();
    await page
      .locator('[data-testid="risk-case-status"][data-status="resolved"][data-resolution="fraud"]')
      .waitFor();
    await page.locator('[data-testid="risk-timeline-entry"][data-kind="resolved"]').waitFor();
    expect(await byTestId(page, 'risk-resolve-fraud').count()).toBe(0);

    const after = await admin.get<CaseDetail>(casePath(mainCase));
    expect(after.status).toBe('resolved');
    expect(after.resolution).toBe('fraud');
    expect(after.note).toBe(note);
    expect(after.resolvedBy).toBe(await operatorId(server, 'analyst'));
    expect(after.comments.map((c) => c.text)).toEqual([comment]);

    // Gone from the open queue, listed among the resolved ones with its label.
    await byTestId(page, 'risk-back').click();
    const open = await queueCaseIds(page);
    expect(open).toContain(conflictCase);
    expect(open).not.toContain(mainCase);
    await byTestId(page, 'risk-filter-status').selectOption('resolved');
    const resolvedRow = page.locator(`[data-testid="risk-case-row"][data-case-id="${mainCase}"]`);
    await resolvedRow.waitFor();
    expect(await byTestId(resolvedRow, 'risk-case-status').getAttribute('data-resolution')).toBe('fraud');
    await context.close();
  });

  it('says a case changed since it was opened, reloads it, and assigns it on the second try', async () => {
    const me = await operatorId(server, 'operator');
    const { context, page } = await openAs(browser, server.url, 'operator');
    await page.goto(`/risk/cases/${encodeURIComponent(conflictCase)}`);
    const shown = page.locator('[data-testid="risk-case"][data-version]:not([data-version=""])');
    await shown.waitFor();
    const versionShown = Number(await shown.getAttribute('data-version'));

    // Someone else comments meanwhile: the page's version is stale.
    await admin.post(`${casePath(conflictCase)}/comments`, { text: 'Looking at this one too.' });
    await byTestId(page, 'risk-assign-me').click();
    await page.locator('[data-testid="risk-review-problem"][data-problem="conflict"]').waitFor();
    await page.locator(`[data-testid="risk-case"][data-version="${versionShown + 1}"]`).waitFor();
    await page
      .locator('[data-testid="risk-timeline-text"]')
      .filter({ hasText: 'Looking at this one too.' })
      .waitFor();
    expect((await admin.get<CaseDetail>(casePath(conflictCase))).assignee).toBeNull();

    await byTestId(page, 'risk-assign-me').click();
    await page.locator(`[data-testid="risk-case-assignee"][data-assignee="${me}"]`).waitFor();
    expect(await byTestId(page, 'risk-review-problem').count()).toBe(0);
    expect((await admin.get<CaseDetail>(casePath(conflictCase))).assignee).toBe(me);

    // "Assigned to me" lists it, and only cases assigned to this operator.
    await byTestId(page, 'risk-back').click();
    await queueCaseIds(page);
    await byTestId(page, 'risk-filter-mine').check();
    await page.waitForFunction((id) => {
      const rows = [...document.querySelectorAll('[data-testid="risk-case-row"]')];
      return rows.length === 1 && rows[0]?.getAttribute('data-case-id') === id;
    }, conflictCase);
    await context.close();
  });

  it('reads the reasons and feature meanings in Chinese', async () => {
    const detail = await admin.get<CaseDetail>(casePath(conflictCase));
    const { context, page } = await openPage(browser, server.url, 'zh-CN');
    await loginAs(page, 'analyst');
    await page.goto(`/risk/cases/${encodeURIComponent(conflictCase)}`);
    await page.locator('[data-testid="risk-reason"]').first().waitFor();
    const texts = await page.locator('[data-testid="risk-reason-text"]').allTextContents();
    expect(texts).toEqual(detail.decision.reasons.map((r) => r.descriptionZh ?? r.description));
    expect(texts.some((text) => /[\u4e00-\u9fff]/.test(text))).toBe(true);
    const age = page.locator('[data-testid="risk-feature"][data-feature="account.ageHours"]');
    expect(await textOf(age)).toContain('会员在商城注册至今的小时数');
    expect(await textOf(byTestId(page, 'nav-risk'))).toBe('风险审核');
    await context.close();
  });
});
