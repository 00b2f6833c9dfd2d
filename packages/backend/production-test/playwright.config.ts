import { defineConfig } from '@playwright/test';
import path from 'node:path';
// the development suite's config is no API of the app package, but the browser set-up is shared
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import developmentSuite from 'app/playwright.config';

const root = path.resolve(__dirname, '../../..');

/**
 * The production end-to-end test (production.test.ts): it builds the backend and the app, and
 * starts PostgreSQL, an OpenID Provider, the simulator as a cluster and two built backends itself
 * (ports 7107-7110), so it has no webServer entries and runs apart from the development suite
 * (packages/app/playwright.config.ts, which needs `yarn start` on :3000/:7007).
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.test.ts',
  // the whole run, builds included, stays bounded
  globalTimeout: 15 * 60_000,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  outputDir: path.join(root, 'node_modules/.cache/production-test-results'),
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
    // Debian's Chromium with the development suite's flags (packages/app/playwright.config.ts);
    // each browser context gets a fresh profile (Playwright's non-persistent contexts)
    launchOptions: developmentSuite.use?.launchOptions,
  },
});
