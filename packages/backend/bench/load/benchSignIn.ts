/* eslint-disable @backstage/no-undeclared-imports -- the load harness's sign-in, run by `yarn bench:load`, never built */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The header naming the catalog user the load harness signs in as. */
export const BENCH_USER_HEADER = 'x-load-bench-user';

/**
 * The load harness's sign-in: `GET /api/auth/load-bench/refresh` with
 * `x-load-bench-user: user:default/<name>` answers a real Backstage user token
 * for that catalog User (groups from its memberOf, as every catalog sign-in),
 * so each simulated user carries its own token and VM roles through the same
 * token verification, user info and permission path as a signed-in browser.
 * Only in the harness's backend (bench/load/loadBackend.ts), which listens on
 * 127.0.0.1, and only for a request from the loopback interface.
 */
export const benchSignInModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'load-bench-sign-in',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'load-bench',
          factory: createProxyAuthProviderFactory({
            authenticator: createProxyAuthenticator({
              defaultProfileTransform: async () => ({ profile: {} }),
              initialize: () => undefined,
              async authenticate({ req }) {
                const address = req.socket.remoteAddress ?? '';
                if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(address))
                  throw new NotAllowedError(
                    'load-bench sign-in is loopback only',
                  );
                const user = req.header(BENCH_USER_HEADER);
                if (!user)
                  throw new NotAllowedError(`${BENCH_USER_HEADER} is required`);
                return { result: { user } };
              },
            }),
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: result.user }),
          }),
        });
      },
    });
  },
});
