import { expect, test } from '@playwright/test';
import { plan, signUp, waitForHydration } from './helpers';

test('pricing lists the catalog in display order with exact amounts', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose your plan' })).toBeVisible();

  const names = await page.locator('article.plan h2').allTextContents();
  expect(names).toEqual(['Lightning Stacker', 'Core Stacker', 'Spark Stacker']);
  await expect(plan(page, 'core').getByText('$12.00 / month')).toBeVisible();

  await page.getByRole('button', { name: 'Yearly' }).click();
  await expect(plan(page, 'core').getByText('$120.00 / year')).toBeVisible();
  await expect(plan(page, 'spark').getByText('$290.00 / year')).toBeVisible();
});

test('static files from public/ are served beside the app', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', '/favicon.svg');
  const icon = await request.get('/favicon.svg');
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
});

test('links navigate inside the hydrated app without a full reload', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__stackerSameDocument = 'yes'));

  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page).toHaveURL(/\/signup$/);
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__stackerSameDocument)).toBe('yes');
});

test('a new user subscribes to Core and unlocks exactly the Core pages', async ({ page }) => {
  const email = await signUp(page);

  await page.goto('/');
  await waitForHydration(page);
  await plan(page, 'core').getByRole('button', { name: 'Subscribe' }).click();

  // Stripe's hosted Checkout, served by the emulator.
  await expect(page.getByRole('heading', { level: 1, name: 'Subscribe to Core Stacker' })).toBeVisible();
  await expect(page.locator('.amount')).toHaveText(/\$12\.00\s+per month/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Subscribe' }).click();

  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_/);
  await expect(page.getByText("You're subscribed to Core Stacker")).toBeVisible();

  await page.goto('/account');
  await expect(page.getByText(email)).toBeVisible();
  await expect(page.getByText('Plan: Core Stacker')).toBeVisible();
  await expect(page.getByText('Status: active')).toBeVisible();
  await expect(page.getByText(/Renews on: [A-Z][a-z]+ \d{1,2}, \d{4}/)).toBeVisible();

  const core = await page.goto('/plans/core');
  expect(core?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: 'Core Stacker area' })).toBeVisible();

  const spark = await page.goto('/plans/spark');
  expect(spark?.status()).toBe(403);
  await expect(page.getByText('This page needs the Spark Stacker plan')).toBeVisible();
  await expect(page.getByRole('link', { name: 'See plans' })).toHaveAttribute('href', '/');
});
