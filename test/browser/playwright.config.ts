import { defineConfig } from '@playwright/test';

/**
 * Browser tests: Debian's Chromium (no browser downloads here), against the built one-process server that
 * global-setup starts (and, for split.pw.ts, a split cluster). `npm run build` first.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.pw.ts',
  outputDir: '../../reports/playwright-output',
  globalSetup: './global-setup.ts',
  fullyParallel: false,
  workers: 1,
  // generous: the shared 2-core box is slow under load; tests wait on what matters, never on fixed sleeps
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: '../../reports/playwright.json' }]],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    actionTimeout: 20_000,
    navigationTimeout: 30_000,
    trace: 'off',
  },
});
