import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';

/**
 * The OpenID Connect provider module reads the IdP's discovery document lazily, on the first
 * sign-in, so a wrong metadataUrl or an IdP that is down would leave a backend that is ready but
 * where nobody can sign in. This module reads the document while the auth plugin starts, and
 * fails the start with the URL and the reason instead.
 */
export const oidcProviderCheck = createBackendModule({
  pluginId: 'auth',
  moduleId: 'oidc-provider-check',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ config, logger }) {
        const environments = config.getOptionalConfig('auth.providers.oidc');
        if (!environments) return;
        for (const env of environments.keys()) {
          const key = `auth.providers.oidc.${env}.metadataUrl`;
          const url = config.getString(key);
          await readDiscoveryDocument(url, key);
          logger.info(`OpenID Connect provider reachable at ${url}`);
        }
      },
    });
  },
});

async function readDiscoveryDocument(url: string, key: string) {
  const fail = (reason: string) =>
    new Error(
      `OpenID Connect provider not usable: GET ${url} ${reason}. Nobody could sign in; check ${key} and that the identity provider is up.`,
    );
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw fail(`failed (${cause ?? (error as Error).message})`);
  }
  if (!res.ok) throw fail(`answered ${res.status}`);
  let document: { issuer?: unknown; authorization_endpoint?: unknown };
  try {
    document = await res.json();
  } catch {
    throw fail('did not return JSON');
  }
  if (
    typeof document.issuer !== 'string' ||
    typeof document.authorization_endpoint !== 'string'
  ) {
    throw fail('returned no issuer or authorization_endpoint');
  }
}
