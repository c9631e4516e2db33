// The operator session: survives a reload, ends on logout, and an expired or forged token in
// localStorage lands on the login page; wrong passwords are reported; Chinese for zh-CN browsers.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../src/http/jwt.ts';
import { passwordStamp } from '../src/modules/operators/password-stamp.ts';
import {
  byTestId,
  hasChromium,
  launchBrowser,
  loginAs,
  openPage,
  saveScreenshot,
  submitLogin,
  TOKEN_KEY,
  textOf,
} from './support/browser.ts';
import { type E2eServer, startServer } from './support/server.ts';

const HAN = /[\u4e00-\u9fff]/;

describe.skipIf(!hasChromium)('operator session in a browser', () => {
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

  const storedToken = (page: Page) => page.evaluate((key) => localStorage.getItem(key), TOKEN_KEY);

  /** A correctly signed token for the admin, issued `ageSeconds` ago and valid for `ttlSeconds`. */
  async function adminToken(ageSeconds: number, ttlSeconds: number): Promise<string> {
    const admin = await server.ctx.db
      .selectFrom('operators')
      .select(['id', 'passwordHash'])
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    return signToken(
      server.ctx.crypto.operatorJwtKey,
      'operator',
      admin.id,
      ttlSeconds,
      Date.now() - ageSeconds * 1000,
      { pwd: passwordStamp(admin.passwordHash) },
    );
  }

  /** Opens the app with `token` already in localStorage, as a returning browser would. */
  async function openWithToken(token: string) {
    const user = await openPage(browser, server.url);
    await user.context.addInitScript(
      ([key, value]) => {
        // Only on the first load: the app may clear it, and a reload must not put it back.
        if (!sessionStorage.getItem('e2e-seeded')) {
          localStorage.setItem(key as string, value as string);
          sessionStorage.setItem('e2e-seeded', '1');
        }
      },
      [TOKEN_KEY, token],
    );
    await user.page.goto('/');
    return user;
  }

  it('keeps the session across a reload and ends it on logout', async () => {
    const { context, page } = await openPage(browser, server.url);
    await loginAs(page, 'admin');
    expect(await storedToken(page)).toMatch(/^ey/);
    await page.reload();
    await byTestId(page, 'current-user').waitFor();
    await expect(byTestId(page, 'login-username').count()).resolves.toBe(0);
    await byTestId(page, 'logout').click();
    await byTestId(page, 'login-username').waitFor();
    expect(await storedToken(page)).toBeNull();
    await saveScreenshot(page, 'login');
    await context.close();
  });

  it('accepts a valid stored token and sends an expired or forged one back to the login page', async () => {
    const valid = await openWithToken(await adminToken(0, 600));
    await byTestId(valid.page, 'current-user').waitFor();
    await valid.context.close();

    for (const token of [await adminToken(3600, 60), 'not-a-token']) {
      const { context, page } = await openWithToken(token);
      await byTestId(page, 'login-username').waitFor();
      await page.waitForFunction((key) => localStorage.getItem(key) === null, TOKEN_KEY);
      expect(await byTestId(page, 'current-user').count()).toBe(0);
      await context.close();
    }
  });

  it('reports a wrong password on the login page', async () => {
    const { context, page } = await openPage(browser, server.url);
    await submitLogin(page, 'operator', 'not-the-password-at-all');
    await byTestId(page, 'login-error').waitFor();
    expect((await textOf(byTestId(page, 'login-error'))).length).toBeGreaterThan(0);
    expect(await byTestId(page, 'current-user').count()).toBe(0);
    expect(await storedToken(page)).toBeNull();
    await context.close();
  });

  it('speaks Chinese to a zh-CN browser and switches to English on request', async () => {
    const { context, page } = await openPage(browser, server.url, 'zh-CN');
    await page.goto('/');
    await byTestId(page, 'login-submit').waitFor();
    expect(await textOf(byTestId(page, 'login-submit'))).toMatch(HAN);
    await saveScreenshot(page, 'login-zh-CN');
    await loginAs(page, 'admin');
    for (const nav of ['nav-overview', 'nav-members', 'nav-audit', 'nav-admin']) {
      expect(await textOf(byTestId(page, nav)), nav).toMatch(HAN);
    }
    await page.locator('[data-testid="chart-orders"][data-rendered="true"]').waitFor();
    await saveScreenshot(page, 'overview-zh-CN');
    await byTestId(page, 'language-switch').selectOption('en');
    await page.waitForFunction(() =>
      /^[\x20-\x7e]+$/.test(document.querySelector('[data-testid="nav-members"]')?.textContent?.trim() ?? ''),
    );
    await context.close();
  });

  it('speaks English to an en-US browser', async () => {
    const { context, page } = await openPage(browser, server.url);
    await loginAs(page, 'admin');
    for (const nav of ['nav-overview', 'nav-members']) {
      const text = await textOf(byTestId(page, nav));
      expect(text, nav).toMatch(/[A-Za-z]/);
      expect(text, nav).not.toMatch(HAN);
    }
    await context.close();
  });
});
