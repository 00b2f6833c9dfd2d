import dns from 'node:dns';
import { ClusterEntry } from '../authProviders';

/**
 * `kubectl proxy` on this machine, as the Kubernetes plugin's
 * LocalKubectlProxyClusterLocator finds it: cluster `local`, plain HTTP on
 * port 8001 of localhost's IPv4 address (kubectl proxy listens on
 * 127.0.0.1), no credentials (the proxy adds its own).
 */
export async function localKubectlProxyLocator(): Promise<ClusterEntry[]> {
  const { address } = await dns.promises.lookup('localhost', {
    verbatim: false,
  });
  const host = address.includes(':') ? `[${address}]` : address;
  return [
    {
      name: 'local',
      url: `http://${host}:8001`,
      authProvider: 'localKubectlProxy',
      authMetadata: {},
      // plain HTTP: nothing to verify (client-node refuses an http server unless told so)
      skipTLSVerify: true,
      impersonate: false,
      locator: 'localKubectlProxy',
    },
  ];
}
