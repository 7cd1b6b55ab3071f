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

/** Subscribes the logged-in user to a tier's monthly plan with the test card that pays. */
export async function subscribe(page: Page, tier: string, email: string): Promise<void> {
  await page.goto('/');
  await waitForHydration(page);
  await plan(page, tier).getByRole('button', { name: 'Subscribe' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await expect(page).toHaveURL(/\/checkout\/success\?session_id=cs_/);
}

/**
 * Reloads the page until `text` shows. Webhooks reach the site a moment after the browser
 * comes back from a Stripe page, so the first render may still show the previous state.
 */
export async function reloadUntilVisible(page: Page, text: string | RegExp): Promise<void> {
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(text)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
}
