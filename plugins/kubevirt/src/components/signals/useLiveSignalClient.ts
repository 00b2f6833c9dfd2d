import {
  discoveryApiRef,
  identityApiRef,
  useApiHolder,
} from '@backstage/core-plugin-api';
import { LiveSignalClient } from './LiveSignalClient';

/** One client (one socket) per app, whichever views subscribe. */
const clients = new WeakMap<object, LiveSignalClient>();

/**
 * The app's live signal client, or undefined where the app has no discovery
 * or identity API (component tests): views then show what they read.
 */
export function useLiveSignalClient(): LiveSignalClient | undefined {
  const apis = useApiHolder();
  const discoveryApi = apis.get(discoveryApiRef);
  const identityApi = apis.get(identityApiRef);
  if (!discoveryApi || !identityApi) return undefined;
  let client = clients.get(identityApi);
  if (!client) {
    client = new LiveSignalClient({
      baseUrl: () => discoveryApi.getBaseUrl('signals'),
      token: async () => (await identityApi.getCredentials()).token,
    });
    clients.set(identityApi, client);
  }
  return client;
}
