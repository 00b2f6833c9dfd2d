import { AuthService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import dns from 'node:dns';
import net from 'node:net';
import { ClusterEntry, ClusterProblem } from '../authProviders';

const API_SERVER = 'kubernetes.io/api-server';
const API_SERVER_CA = 'kubernetes.io/api-server-certificate-authority';
const AUTH_PROVIDER = 'kubernetes.io/auth-provider';
const SKIP_TLS_VERIFY = 'kubernetes.io/skip-tls-verify';
/** The broker's own opt-in, beside the Kubernetes plugin's annotations. */
export const IMPERSONATE_ANNOTATION = 'kubevirt.io/impersonate';

/** Addresses a catalog entry may not point the broker at: loopback, private, link-local, CGNAT, unique-local. */
const nonPublic = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  nonPublic.addSubnet(net4, bits, 'ipv4');
for (const [net6, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  nonPublic.addSubnet(net6, bits, 'ipv6');

const matches = (host: string, pattern: string) => {
  const h = host.toLowerCase();
  const p = pattern.toLowerCase();
  return p.startsWith('*.')
    ? h.endsWith(p.slice(1)) || h === p.slice(2)
    : h === p;
};

/**
 * A catalog entry names a URL the broker will call with its own identity, so
 * it is checked as the Kubernetes plugin's validateClusterApiServerUrl does:
 * HTTPS, no user info, no private address, unless the operator listed the
 * host in `dangerouslyAllowClusterUrls`.
 */
async function checkUrl(name: string, raw: string, allowed: string[]) {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ClusterProblem(name, `${API_SERVER} ${raw} is not a URL`);
  }
  if (url.username || url.password)
    throw new ClusterProblem(name, `${API_SERVER} must not carry credentials`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const exempt = allowed.some(p => matches(host, p));
  if (exempt) return exempt;
  if (url.protocol !== 'https:')
    throw new ClusterProblem(name, `${API_SERVER} must use HTTPS`);
  const addresses = net.isIP(host)
    ? [{ address: host, family: net.isIP(host) }]
    : await dns.promises.lookup(host, { all: true }).catch(() => []);
  const hidden = addresses.find(a =>
    nonPublic.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4'),
  );
  if (hidden)
    throw new ClusterProblem(
      name,
      `${API_SERVER} ${host} is a non-public address (${hidden.address}); list it in dangerouslyAllowClusterUrls of the catalog locator to allow it`,
    );
  return exempt;
}

/**
 * Clusters the catalog holds as Resource entities of type
 * `kubernetes-cluster`, found as the Kubernetes plugin's CatalogClusterLocator
 * finds them (the same filter and annotations), read with the broker's own
 * service credentials.
 */
export async function catalogLocator(
  method: Config,
  deps: { catalog: CatalogService; auth: AuthService },
): Promise<Array<ClusterEntry | ClusterProblem>> {
  const allowed =
    method.getOptionalStringArray('dangerouslyAllowClusterUrls') ?? [];
  const allowSkipTls =
    method.getOptionalBoolean('dangerouslyAllowSkipTLSVerify') ?? false;
  const { items } = await deps.catalog.getEntities(
    {
      filter: {
        kind: 'Resource',
        'spec.type': 'kubernetes-cluster',
        [`metadata.annotations.${API_SERVER}`]: CATALOG_FILTER_EXISTS,
        [`metadata.annotations.${API_SERVER_CA}`]: CATALOG_FILTER_EXISTS,
        [`metadata.annotations.${AUTH_PROVIDER}`]: CATALOG_FILTER_EXISTS,
      },
    },
    { credentials: await deps.auth.getOwnServiceCredentials() },
  );
  return Promise.all(items.map(e => toEntry(e, allowed, allowSkipTls)));
}

async function toEntry(
  entity: Entity,
  allowed: string[],
  allowSkipTls: boolean,
): Promise<ClusterEntry | ClusterProblem> {
  const name = entity.metadata.name;
  const annotations = entity.metadata.annotations ?? {};
  try {
    const authProvider = annotations[AUTH_PROVIDER];
    const exempt = await checkUrl(name, annotations[API_SERVER], allowed);
    // a catalog entry never carries a token; the pod's own would go to whatever URL it names
    if (authProvider === 'serviceAccount' && !exempt)
      throw new ClusterProblem(
        name,
        `authProvider serviceAccount from the catalog sends the broker's pod token to the URL an entity names: list its host in dangerouslyAllowClusterUrls of the catalog locator to allow it`,
      );
    const authMetadata = Object.fromEntries(
      Object.entries(annotations).filter(([k]) =>
        k.startsWith('kubernetes.io/'),
      ),
    );
    return {
      name,
      title: entity.metadata.title,
      url: annotations[API_SERVER],
      authProvider,
      authMetadata,
      caData: annotations[API_SERVER_CA] || undefined,
      skipTLSVerify: allowSkipTls && annotations[SKIP_TLS_VERIFY] === 'true',
      impersonate: annotations[IMPERSONATE_ANNOTATION] === 'true',
      locator: 'catalog',
    };
  } catch (error) {
    if (error instanceof ClusterProblem) return error;
    throw error;
  }
}
