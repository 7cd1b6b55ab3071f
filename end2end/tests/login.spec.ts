import { expect, test } from '@playwright/test';
import { plan, signUp, waitForHydration } from './helpers';

test('a visitor who picks a plan logs in and comes back to that plan', async ({ page }) => {
  const email = await signUp(page);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page.getByRole('link', { name: 'Log in' })).toBeVisible();

  await page.goto('/');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Yearly' }).click();
  await plan(page, 'spark').getByRole('button', { name: 'Subscribe' }).click();
  await expect(page).toHaveURL(/\/login\?next=/);

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText('Invalid email or password')).toBeVisible();

  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/\?plan=price_spark_yearly$/);
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
});

test('signing up twice with one email is refused and keeps the typed email', async ({ page }) => {
  const email = await signUp(page);
  await page.getByRole('button', { name: 'Log out' }).click();

  await page.goto('/signup');
  await waitForHydration(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('another long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toContainText(/already/i);
  await expect(page.getByLabel('Email')).toHaveValue(email);
});
