import { defineConfig } from '@playwright/test';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const yarn = `"${process.execPath}" "${path.join(
  root,
  '.yarn/releases/yarn-4.13.0.cjs',
)}"`;

/**
 * End-to-end tests against the real app (:3000) and backend (:7007), which start
 * the embedded KubeVirt simulator. Playwright's browser download host is not
 * reachable, so the suite drives Debian's Chromium through `executablePath`.
 */
export default defineConfig({
  testDir: './e2e-tests',
  timeout: 150_000,
  expect: { timeout: 30_000 },
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [
    ['list'],
    [
      'html',
      { open: 'never', outputFolder: path.join(root, 'e2e-test-report') },
    ],
  ],
  outputDir: path.join(root, 'node_modules/.cache/e2e-test-results'),
  webServer: [
    // a second cluster: no HotplugVolumes, the broker lacking one right (cluster-status.test.ts)
    {
      command: `"${process.execPath}" ${path.join(
        __dirname,
        'e2e-tests/lab-cluster/start.js',
      )}`,
      cwd: root,
      url: 'https://127.0.0.1:7011/version',
      ignoreHTTPSErrors: true,
      reuseExistingServer: true,
      timeout: 60_000,
      stdout: 'ignore',
    },
    {
      command: `${yarn} start backend --config ${path.join(
        root,
        'app-config.yaml',
      )} --config ${path.join(
        __dirname,
        'e2e-tests/lab-cluster/app-config.lab-cluster.yaml',
      )}`,
      cwd: root,
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: true,
      timeout: 180_000,
      stdout: 'ignore',
    },
    {
      command: `${yarn} start app`,
      cwd: root,
      url: 'http://localhost:3000',
      reuseExistingServer: true,
      timeout: 300_000,
      stdout: 'ignore',
    },
  ],
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
});
