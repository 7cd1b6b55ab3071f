import { defineConfig } from '@playwright/test';

// The site under test is started by scripts/test.sh (fresh database, embedded Stripe emulator)
// and its address handed over in STACKER_E2E_URL; the specs never start servers themselves.
const baseURL = process.env.STACKER_E2E_URL ?? 'http://127.0.0.1:3000';
const chromium = process.env.STACKER_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
    },
  },
});
