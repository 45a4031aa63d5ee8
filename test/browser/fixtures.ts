import { expect, test as base, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export { expect };

const SCREENS = join(__dirname, '..', '..', 'reports', 'screens');
mkdirSync(SCREENS, { recursive: true });

/**
 * A 4xx or 503 answer is the API speaking (shown in place by the app); Chromium logs every one as a console error.
 * Anything else on the console — an app error, an unhandled rejection, a 500 — fails the test.
 */
const EXPECTED = /Failed to load resource: the server responded with a status of (4\d\d|503)/;

let runId = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
let users = 0;

/** A username no other test (or earlier run on the same data) has. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${runId}_${++users}`;
}
export function resetRunId(id: string): void {
  runId = id;
}

export interface Browsers {
  /** A new browser context (its own localStorage: another person or device) whose pages fail the test on console errors. */
  context(options?: { viewport?: { width: number; height: number } }): Promise<BrowserContext>;
  /** A page in a new context. */
  page(options?: { viewport?: { width: number; height: number } }): Promise<Page>;
}

export const test = base.extend<{ browsers: Browsers }>({
  browsers: async ({ browser }, use) => {
    // set by global-setup (the one-process server) or by a suite that starts its own server (split.pw.ts)
    const baseUrl = process.env.SB_URL!;
    const errors: string[] = [];
    const contexts: BrowserContext[] = [];
    const watch = (page: Page) => {
      page.on('console', (m) => {
        if (m.type() === 'error' && !EXPECTED.test(m.text())) errors.push(`${page.url()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`${page.url()}: uncaught ${e.message}`));
      page.on('dialog', (d) => {
        errors.push(`${page.url()}: unexpected dialog "${d.message()}"`);
        void d.dismiss();
      });
    };
    const make = async (b: Browser, options: { viewport?: { width: number; height: number } } = {}) => {
      const context = await b.newContext({ baseURL: baseUrl, viewport: options.viewport ?? { width: 1200, height: 800 } });
      context.on('page', watch);
      contexts.push(context);
      return context;
    };
    await use({
      context: (options) => make(browser, options),
      page: async (options) => (await make(browser, options)).newPage(),
    });
    for (const c of contexts) await c.close();
    expect(errors, 'browser console errors').toEqual([]);
  },
});

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: false, animations: 'disabled' });
}

/** Registers through the UI and waits for the push connection. */
export async function register(page: Page, username: string, password = 'password-123'): Promise<void> {
  await page.goto('/register');
  await page.locator('[data-test=username]').fill(username);
  await page.locator('[data-test=password]').fill(password);
  await page.locator('[data-test=submit]').click();
  await expect(page.locator('[data-test=connection]')).toHaveAttribute('data-state', 'connected');
}

/** Logs in through the UI and waits for the push connection. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('[data-test=username]').fill(username);
  await page.locator('[data-test=password]').fill(password);
  await page.locator('[data-test=submit]').click();
  await expect(page.locator('[data-test=connection]')).toHaveAttribute('data-state', 'connected');
}

/** `a` finds `b` by username and asks; `b` accepts the request that arrives live. */
export async function befriend(a: Page, b: Page, bName: string): Promise<void> {
  await a.locator('[data-test=nav-contacts]').click();
  await a.locator('[data-test=user-search]').fill(bName);
  await a.locator('[data-test=user-search-submit]').click();
  await a.locator(`[data-test=user-result][data-username="${bName}"] [data-test=add-friend]`).click();
  await b.locator('[data-test=nav-contacts]').click();
  await b.locator('[data-test=friend-request] [data-test=accept]').click();
  await expect(b.locator('[data-test=friend]')).toHaveCount(1);
  await expect(a.locator(`[data-test=friend][data-username="${bName}"]`)).toBeVisible();
}

/** Opens the 1:1 chat with a friend from the contacts screen. */
export async function openChat(page: Page, friend: string): Promise<void> {
  await page.locator('[data-test=nav-contacts]').click();
  await page.locator(`[data-test=friend][data-username="${friend}"] [data-test=chat-with]`).click();
  await expect(page.locator('[data-test=chat]')).toBeVisible();
}

export async function send(page: Page, text: string): Promise<void> {
  await page.locator('[data-test=composer]').fill(text);
  await page.locator('[data-test=send]').click();
}

/** The bodies of the messages the chat shows, in order. */
export function bodies(page: Page) {
  return page.locator('[data-test=message] [data-test=body]');
}
