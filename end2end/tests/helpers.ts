import { expect, Page } from '@playwright/test';

/** A fresh account for each test, so specs never depend on each other's state. */
export async function signUp(page: Page): Promise<string> {
  const email = `buyer-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto('/signup');
  await waitForHydration(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
  return email;
}

/** The app marks <body data-hydrated="true"> once wasm has taken over the server's page. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: 'attached' });
}

export function plan(page: Page, tier: string) {
  return page.locator(`article.plan[data-tier="${tier}"]`);
}
