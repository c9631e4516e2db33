// Administration: an admin creates an operator who can then sign in, and an API key whose secret
// is shown once, works, and stops working when revoked.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  byTestId,
  hasChromium,
  launchBrowser,
  openAs,
  openPage,
  saveScreenshot,
  submitLogin,
  textOf,
} from './support/browser.ts';
import { type E2eServer, startServer } from './support/server.ts';

describe.skipIf(!hasChromium)('administration in a browser', () => {
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

  /** Status of an authenticated API call made with `key` (401: unknown or revoked). */
  async function statusWithKey(key: string): Promise<number> {
    const res = await fetch(`${server.url}/v1/members?limit=1`, {
      headers: { authorization: `Bearer ${key}` },
    });
    return res.status;
  }

  it('creates an operator who can then sign in with the given role', async () => {
    const { context, page } = await openAs(browser, server.url, 'admin');
    await byTestId(page, 'nav-admin').click();
    await page.locator('[data-testid="operator-row"][data-username="admin"]').waitFor();
    await byTestId(page, 'operator-create-username').fill('dana.w');
    await byTestId(page, 'operator-create-password').fill('dana-strong-password-1');
    await byTestId(page, 'operator-create-role').selectOption('analyst');
    await byTestId(page, 'operator-create-submit').click();
    await page.locator('[data-testid="operator-row"][data-username="dana.w"]').waitFor();
    await context.close();

    const dana = await openPage(browser, server.url);
    await submitLogin(dana.page, 'dana.w', 'dana-strong-password-1');
    await byTestId(dana.page, 'current-user').waitFor();
    await expect(textOf(byTestId(dana.page, 'current-user'))).resolves.toMatch(/analyst/i);
    await dana.context.close();
  });

  it('creates an API key shown once, which works until it is revoked', async () => {
    const { context, page } = await openAs(browser, server.url, 'admin');
    await byTestId(page, 'nav-admin').click();
    await byTestId(page, 'apikey-create-name').fill('e2e warehouse sync');
    // A key needs at least one scope; the form offers one checkbox per scope.
    await byTestId(page, 'apikey-scope-members:read').check();
    await byTestId(page, 'apikey-create-submit').click();
    const secretBox = byTestId(page, 'apikey-secret');
    await secretBox.waitFor();
    const secret = await textOf(secretBox);
    expect(secret).toMatch(/^mk_[A-Za-z0-9_-]{20,}$/);
    const row = byTestId(page, 'apikey-row').filter({ hasText: 'e2e warehouse sync' });
    await row.waitFor();
    // The list never shows the secret, only its prefix.
    expect(await textOf(row)).not.toContain(secret);
    expect(await statusWithKey(secret)).not.toBe(401);
    await saveScreenshot(page, 'admin');

    // Revoking asks for a confirmation in the row before it calls the API.
    await byTestId(row, 'apikey-revoke').click();
    await byTestId(row, 'apikey-revoke-confirm').click();
    await expect
      .poll(
        async () => {
          const key = await server.ctx.db
            .selectFrom('apiKeys')
            .select('revokedAt')
            .where('name', '=', 'e2e warehouse sync')
            .executeTakeFirstOrThrow();
          return key.revokedAt !== null;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(await statusWithKey(secret)).toBe(401);
    await context.close();
  });
});
