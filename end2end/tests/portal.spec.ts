import { expect, test } from '@playwright/test';
import { reloadUntilVisible, signUp, subscribe, waitForHydration } from './helpers';

test('a subscriber switches plan, then cancels at period end, in the billing portal', async ({
  page,
}) => {
  const email = await signUp(page);
  await subscribe(page, 'core', email);
  await expect(page.getByText("You're subscribed to Core Stacker")).toBeVisible();

  await page.goto('/account');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Manage billing' }).click();

  // Stripe's customer portal, served by the emulator.
  await expect(page.getByText('Core Stacker', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Switch to Spark Stacker (month)' }).click();
  await expect(page.getByText('Spark Stacker', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel at period end' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await page.getByRole('link', { name: 'Return to Stacker' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await reloadUntilVisible(page, /Cancels on: [A-Z][a-z]+ \d{1,2}, \d{4}/);
  await expect(page.getByText('Plan: Spark Stacker')).toBeVisible();
  await expect(page.getByText('Status: active')).toBeVisible();

  const spark = await page.goto('/plans/spark');
  expect(spark?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1, name: 'Spark Stacker area' })).toBeVisible();
});

test('cancel now in the portal takes the tier away at once', async ({ page }) => {
  const email = await signUp(page);
  await subscribe(page, 'lightning', email);
  await expect(page.getByText("You're subscribed to Lightning Stacker")).toBeVisible();

  await page.goto('/account');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Manage billing' }).click();
  await page.getByRole('button', { name: 'Cancel now' }).click();
  await page.getByRole('link', { name: 'Return to Stacker' }).click();

  await expect(page).toHaveURL(/\/account$/);
  await reloadUntilVisible(page, 'Plan: Free');
  const lightning = await page.goto('/plans/lightning');
  expect(lightning?.status()).toBe(403);
  await expect(page.getByText('This page needs the Lightning Stacker plan')).toBeVisible();
});

test('a subscriber who presses Subscribe again is sent to the portal, not billed twice', async ({
  page,
}) => {
  const email = await signUp(page);
  await subscribe(page, 'core', email);
  await expect(page.getByText("You're subscribed to Core Stacker")).toBeVisible();

  await page.goto('/');
  await waitForHydration(page);
  await page.locator('article.plan[data-tier="spark"]').getByRole('button', { name: 'Subscribe' }).click();

  await expect(page.getByRole('alert')).toContainText('You already have a subscription');
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/(\?.*)?$/);
  await page.goto('/account');
  await expect(page.getByText('Plan: Core Stacker')).toBeVisible();
});
