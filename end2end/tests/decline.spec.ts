import { expect, test } from '@playwright/test';
import { plan, signUp, waitForHydration } from './helpers';

test('a declined card, then cancel, leaves the user on the free tier', async ({ page }) => {
  await signUp(page);

  await page.goto('/');
  await waitForHydration(page);
  await plan(page, 'core').getByRole('button', { name: 'Subscribe' }).click();

  await page.getByLabel('Card number').fill('4000 0000 0000 0002');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByText('Your card was declined.')).toBeVisible();
  await expect(page.getByLabel('Card number')).toBeVisible();

  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/\/\?checkout=cancelled$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Choose your plan' })).toBeVisible();

  await page.goto('/account');
  await expect(page.getByText('Plan: Free')).toBeVisible();

  const core = await page.goto('/plans/core');
  expect(core?.status()).toBe(403);
  await expect(page.getByText('This page needs the Core Stacker plan')).toBeVisible();
});

test('a visitor who picks a plan is asked to log in first', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await plan(page, 'spark').getByRole('button', { name: 'Subscribe' }).click();
  await expect(page).toHaveURL(/\/login\?next=/);
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
});
