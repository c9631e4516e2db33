// Debian's chromium driven by playwright-core: launch, a fresh context per user, log in through
// the login page, and save 1280×800 screenshots of the pages into docs/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import type { OperatorRole } from '../../src/http/scopes.ts';
import { OPERATOR_PASSWORDS } from './server.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** False on machines without Debian's chromium: the browser suites skip (see e2e/global-setup.ts). */
export const hasChromium = existsSync(CHROMIUM_PATH);
/** Where the dashboard keeps the operator's session (contract with web/). */
export const TOKEN_KEY = 'membrain.operatorToken';

const SCREENSHOT_DIR = fileURLToPath(new URL('../../docs/screenshots', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };

/** Headless chromium with the flags agreed for CI containers (no sandbox, no background traffic). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
}

/** A new, isolated context (own localStorage) at laptop size; English unless `locale` says otherwise. */
export async function openPage(browser: Browser, baseUrl: string, locale = 'en-US'): Promise<UserPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: VIEWPORT,
    locale,
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/** The element with this data-testid. */
export function byTestId(page: Page | Locator, id: string): Locator {
  return page.locator(`[data-testid="${id}"]`);
}

/** Fills the login form; does not wait for the outcome. */
export async function submitLogin(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await byTestId(page, 'login-username').fill(username);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
}

/** Logs in as the e2e operator of `role` and waits for the signed-in shell. */
export async function loginAs(page: Page, role: OperatorRole): Promise<void> {
  await submitLogin(page, role, OPERATOR_PASSWORDS[role]);
  await byTestId(page, 'current-user').waitFor();
}

/** A fresh context logged in as `role`. */
export async function openAs(browser: Browser, baseUrl: string, role: OperatorRole): Promise<UserPage> {
  const user = await openPage(browser, baseUrl);
  await loginAs(user.page, role);
  return user;
}

/** Saves the viewport (1280×800) as docs/screenshots/<name>.png. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let charts finish their entry animation and the caret stop blinking into the image.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

/** Text of a locator with surrounding space trimmed (inputs: their value). */
export async function textOf(locator: Locator): Promise<string> {
  const tag = await locator.evaluate((el) => el.tagName.toLowerCase());
  if (tag === 'input' || tag === 'textarea') return (await locator.inputValue()).trim();
  return ((await locator.textContent()) ?? '').trim();
}
