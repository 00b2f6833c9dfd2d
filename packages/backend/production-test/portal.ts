import { expect, Page } from '@playwright/test';

// the development suite's page helpers work the same on the built app (no API of the app package)
// eslint-disable-next-line @backstage/no-forbidden-package-imports
export { go, rowOf } from 'app/e2e-tests/support';

/**
 * Signs in on the portal at `baseUrl` through the identity provider's own login form, which
 * Backstage opens in a popup (the OAuth2 authorization code flow of the oidc provider module).
 */
export async function signInThroughIdp(
  page: Page,
  baseUrl: string,
  login: string,
) {
  await page.goto(`${baseUrl}/`);
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Sign In' }).click();
  const popup = await popupOpened;
  await popup.locator('input[name="login"]').fill(login);
  await popup
    .locator('input[name="password"]')
    .fill('any password: devInteractions');
  await popup.getByRole('button', { name: 'Sign-in' }).click();
  return popup;
}

/** The signed-in user's Backstage token, from the provider's refresh endpoint (the session cookie). */
export async function backstageToken(
  page: Page,
  baseUrl: string,
): Promise<string> {
  const res = await page.request.get(
    `${baseUrl}/api/auth/oidc/refresh?optional&env=production`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expect(res.status()).toBe(200);
  const body = await res.json();
  return body.backstageIdentity.token;
}
