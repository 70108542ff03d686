import { defineConfig } from '@playwright/test';

// Debian's Chromium; Playwright's own browser download cannot work offline.
export default defineConfig({
  testDir: './tests',
  // A whole journey across three roles takes 25–30 s here when idle and about 40 s with
  // both cores busy; a failure is caught by the 15 s expect timeout, not by this budget.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // The JSON report feeds the failure digest scripts/test.sh prints last (failure-digest.js).
  reporter: [['list'], ['json', { outputFile: 'artifacts/results.json' }]],
  outputDir: './test-results',
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://127.0.0.1:3000',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
});
