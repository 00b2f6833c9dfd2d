import {
  AuthService,
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  createServiceRef,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { KubevirtApiClient } from '@kubevirt-backstage/plugin-kubevirt-common';

/**
 * The broker's API for other backend plugins (scaffolder and catalog modules,
 * actions). Calls go over the broker's HTTP API with a plugin-to-plugin token
 * issued on behalf of the caller's credentials, so every read and write passes
 * the same permission check, validation and audit as a browser's request.
 * The broker's caches live in the broker alone; nothing here talks to a cluster.
 */
export interface KubevirtService {
  /** The typed broker client, acting as `credentials` (a user's, or a plugin's own). */
  forCredentials(credentials: BackstageCredentials): KubevirtApiClient;
}

export class DefaultKubevirtService implements KubevirtService {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  forCredentials(credentials: BackstageCredentials): KubevirtApiClient {
    return new KubevirtApiClient({
      discoveryApi: this.discovery,
      fetchApi: {
        fetch: async (input, init) => {
          const { token } = await this.auth.getPluginRequestToken({
            onBehalfOf: credentials,
            targetPluginId: 'kubevirt',
          });
          const headers = new Headers(init?.headers);
          headers.set('Authorization', `Bearer ${token}`);
          return fetch(input, { ...init, headers });
        },
      },
    });
  }
}

/** @public */
export const kubevirtServiceRef = createServiceRef<KubevirtService>({
  id: 'kubevirt.vms',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery, auth: coreServices.auth },
      factory: ({ discovery, auth }) =>
        new DefaultKubevirtService(discovery, auth),
    }),
});
