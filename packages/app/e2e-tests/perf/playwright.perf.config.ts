import { defineConfig } from '@playwright/test';
import base from '../../playwright.config';

/**
 * Measurements, not tests: run on demand, never in the default e2e run
 * (their files end in .perf.ts, which the default testMatch skips).
 *
 *   flock /tmp/e2e.lock env CHROMIUM_PATH=/usr/bin/chromium \
 *     yarn playwright test -c packages/app/e2e-tests/perf/playwright.perf.config.ts
 */
export default defineConfig({
  ...base,
  testDir: __dirname,
  testMatch: '*.perf.ts',
  timeout: 600_000,
  reporter: [['list']],
});
