import {
  configApiRef,
  githubAuthApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import { oidcAuthApiRef } from './oidcAuthApi';

type ProviderId = 'guest' | 'oidc' | 'github';

/**
 * The sign-in page offers the providers listed in `app.signIn.providers` (default: guest, for
 * local development). Production lists only the providers the backend runs, so no guest option
 * is ever shown there; the backend refuses guest sign-in outside development anyway.
 */
export const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => {
      const { SignInPage } = await import('@backstage/core-components');
      return function ConfiguredSignInPage(props: SignInPageProps) {
        const configApi = useApi(configApiRef);
        const ids = (configApi.getOptionalStringArray(
          'app.signIn.providers',
        ) ?? ['guest']) as ProviderId[];
        const title =
          configApi.getOptionalString('app.signIn.oidcTitle') ?? 'SSO';
        const providers = ids.map(id => {
          if (id === 'oidc')
            return {
              id: 'oidc-auth-provider',
              title,
              message: `Sign in with your ${title} account`,
              apiRef: oidcAuthApiRef,
            };
          if (id === 'github')
            return {
              id: 'github-auth-provider',
              title: 'GitHub',
              message: 'Sign in with GitHub',
              apiRef: githubAuthApiRef,
            };
          return 'guest' as const;
        });
        return <SignInPage {...props} providers={providers} />;
      };
    },
  },
});
