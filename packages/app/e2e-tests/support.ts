import { expect, Page } from '@playwright/test';
import path from 'node:path';

/** Where the suite writes the screenshots the README shows. */
export const screenshots = path.resolve(__dirname, '../../../docs/screenshots');

/** Signs in as the guest; the catalog (the home page) lists the demo services once signed in. */
export async function signIn(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('table')
      .first()
      .getByRole('link', { name: 'payments-api', exact: true }),
    // the first test of a run meets a catalog that may still be reading the demo entities
  ).toBeVisible({ timeout: 90_000 });
}

/** Guest sign-in lives in the page: move inside the app (history + popstate), never reload. */
export async function go(page: Page, to: string) {
  await page.evaluate(target => {
    window.history.pushState({}, '', target);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, to);
}

/** The row of a VM table whose name links to `name`. */
export const rowOf = (page: Page, name: string) =>
  page
    .getByRole('table')
    .first()
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name, exact: true }) });
