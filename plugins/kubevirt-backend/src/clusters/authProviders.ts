import {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import {
  AwsIamStrategy,
  AzureIdentityStrategy,
  GoogleServiceAccountStrategy,
} from '@backstage/plugin-kubernetes-backend';
import fs from 'node:fs';
import path from 'node:path';
import { ClusterAuth, TokenFile } from './ClusterAuth';
import { ClusterConfig } from './ClusterConfig';

/** Where kubelet mounts a pod's service account token, CA and namespace. */
export const DEFAULT_SERVICE_ACCOUNT_DIR =
  '/var/run/secrets/kubernetes.io/serviceaccount';

/** A cluster as a locator found it, before its credentials are worked out. */
export interface ClusterEntry {
  name: string;
  title?: string;
  url?: string;
  authProvider?: string;
  /** The Kubernetes plugin's auth metadata (`kubernetes.io/...` keys, e.g. an AWS role to assume). */
  authMetadata: Record<string, string>;
  serviceAccountToken?: string;
  caData?: string;
  caFile?: string;
  skipTLSVerify: boolean;
  /** `kubeconfig` provider: the file and the context to use (default its current context). */
  kubeconfig?: { path: string; context?: string };
  impersonate: boolean;
  /** Which locator found it, e.g. `config` or `catalog`. */
  locator: string;
}

/** Why a configured cluster cannot be used; reported at startup and shown in the UI. */
export class ClusterProblem extends Error {
  constructor(readonly cluster: string, reason: string) {
    super(reason);
  }
}

export interface AuthProviderContext {
  config: RootConfigService;
  logger: LoggerService;
  /** The directory of the pod's service account token and CA; overridable for tests. */
  serviceAccountDir: string;
  /** Whether the broker runs in a pod (kubelet sets KUBERNETES_SERVICE_HOST). */
  inPod: boolean;
}

/**
 * Auth providers of the Kubernetes plugin that act for the signed-in user
 * with a token from the browser. The broker has no such token: it watches
 * clusters with no user around, so it cannot use them.
 */
const USER_TOKEN_PROVIDERS: Record<string, string> = {
  google: "the signed-in user's Google OAuth token",
  oidc: "the signed-in user's OIDC token",
  aks: "the signed-in user's AKS (Microsoft Entra) token",
};

/** The Kubernetes plugin's AuthenticationStrategy, as far as the broker calls it. */
interface AuthenticationStrategy {
  getCredential(
    details: ClusterDetails,
    requestAuth: Record<string, never>,
  ): ReturnType<AwsIamStrategy['getCredential']>;
  validateCluster(authMetadata: Record<string, string>): Error[];
}
type ClusterDetails = Parameters<AwsIamStrategy['getCredential']>[0];

/** The Kubernetes plugin's strategies for the broker's own cloud identity, reused as they are. */
function strategyFor(
  provider: string,
  ctx: AuthProviderContext,
): AuthenticationStrategy | undefined {
  switch (provider) {
    case 'aws':
      return new AwsIamStrategy({
        config: ctx.config,
      }) as AuthenticationStrategy;
    case 'googleServiceAccount':
      return new GoogleServiceAccountStrategy({
        config: ctx.config,
      }) as AuthenticationStrategy;
    case 'azure':
      return new AzureIdentityStrategy(ctx.logger) as AuthenticationStrategy;
    default:
      return undefined;
  }
}

function inClusterAuth(entry: ClusterEntry, ctx: AuthProviderContext) {
  const tokenPath = path.join(ctx.serviceAccountDir, 'token');
  const tokenFile = new TokenFile(tokenPath);
  try {
    tokenFile.read();
  } catch (error) {
    throw new ClusterProblem(
      entry.name,
      `serviceAccount without serviceAccountToken uses the pod's token, but ${tokenPath} cannot be read: ${
        (error as Error).message
      }`,
    );
  }
  const caPath = path.join(ctx.serviceAccountDir, 'ca.crt');
  return {
    auth: {
      provider: 'serviceAccount (pod token)',
      bearer: async () => tokenFile.read(),
    } as ClusterAuth,
    caFile:
      entry.caData || entry.caFile || !fs.existsSync(caPath)
        ? entry.caFile
        : caPath,
  };
}

function kubeconfigAuth(entry: ClusterEntry) {
  const file = entry.kubeconfig?.path;
  if (!file)
    throw new ClusterProblem(
      entry.name,
      'authProvider kubeconfig needs kubeconfig.path (the file) and optionally kubeconfig.context',
    );
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (error) {
    throw new ClusterProblem(
      entry.name,
      `kubeconfig ${file} cannot be read: ${(error as Error).message}`,
    );
  }
  const context = entry.kubeconfig?.context ?? kc.getCurrentContext();
  if (!context || !kc.getContextObject(context))
    throw new ClusterProblem(
      entry.name,
      `kubeconfig ${file} has no context ${JSON.stringify(context ?? '')}`,
    );
  kc.setCurrentContext(context);
  const server = kc.getCurrentCluster()?.server;
  if (!server)
    throw new ClusterProblem(
      entry.name,
      `context ${context} of kubeconfig ${file} names no cluster with a server`,
    );
  return { auth: { provider: 'kubeconfig', kubeConfig: kc }, server };
}

/**
 * Works out how the broker reaches one located cluster, or why it cannot
 * (a ClusterProblem, reported and shown, never a silent skip).
 */
export async function resolveCluster(
  entry: ClusterEntry,
  ctx: AuthProviderContext,
): Promise<ClusterConfig> {
  const provider = entry.authProvider;
  const base: ClusterConfig = {
    name: entry.name,
    title: entry.title,
    url: entry.url ?? '',
    skipTLSVerify: entry.skipTLSVerify,
    caData: entry.caData,
    caFile: entry.caFile,
    impersonate: entry.impersonate,
  };
  if (!provider)
    throw new ClusterProblem(
      entry.name,
      `no authProvider: set authProvider (serviceAccount, kubeconfig, aws, googleServiceAccount, azure) on the cluster`,
    );
  if (provider === 'kubeconfig') {
    const { auth, server } = kubeconfigAuth(entry);
    return { ...base, url: entry.url ?? server, auth };
  }
  if (!entry.url)
    throw new ClusterProblem(entry.name, 'no url: the API server is not named');
  try {
    // a URL the broker could not call is a configuration error, not an outage
    const url = new URL(entry.url);
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error(`${url.protocol} is not http: or https:`);
    // client-node (as the Kubernetes plugin) refuses a plain HTTP server unless TLS checks are off
    if (url.protocol === 'http:' && !entry.skipTLSVerify)
      throw new Error('plain HTTP needs skipTLSVerify: true');
  } catch (error) {
    throw new ClusterProblem(
      entry.name,
      `url ${JSON.stringify(entry.url)} cannot be used: ${
        (error as Error).message
      }`,
    );
  }
  if (provider === 'serviceAccount') {
    if (entry.serviceAccountToken)
      return {
        ...base,
        serviceAccountToken: entry.serviceAccountToken,
        auth: { provider },
      };
    if (!ctx.inPod)
      throw new ClusterProblem(
        entry.name,
        'serviceAccount without serviceAccountToken uses the token of the pod the broker runs in, but it does not run in a pod (KUBERNETES_SERVICE_HOST is not set)',
      );
    const { auth, caFile } = inClusterAuth(entry, ctx);
    return { ...base, caFile, auth };
  }
  if (provider === 'localKubectlProxy') return { ...base, auth: { provider } };
  if (USER_TOKEN_PROVIDERS[provider])
    throw new ClusterProblem(
      entry.name,
      `authProvider ${provider} calls the cluster with ${USER_TOKEN_PROVIDERS[provider]}, which the broker does not hold (it watches clusters with no user signed in); give it an identity of its own: serviceAccount, kubeconfig (exec credential plugins), aws, googleServiceAccount or azure`,
    );
  const strategy = strategyFor(provider, ctx);
  if (!strategy)
    throw new ClusterProblem(
      entry.name,
      `unsupported authProvider ${JSON.stringify(
        provider,
      )}: use serviceAccount, kubeconfig, aws, googleServiceAccount, azure or localKubectlProxy`,
    );
  const details: ClusterDetails = {
    name: entry.name,
    url: entry.url,
    authMetadata: {
      'kubernetes.io/auth-provider': provider,
      ...entry.authMetadata,
    },
  };
  const errors = strategy.validateCluster(details.authMetadata);
  if (errors.length)
    throw new ClusterProblem(entry.name, errors.map(e => e.message).join('; '));
  return {
    ...base,
    auth: {
      provider,
      bearer: async () => {
        const credential = await strategy.getCredential(details, {});
        if (credential.type !== 'bearer token')
          throw new Error(
            `authProvider ${provider} gave a ${credential.type}, not a bearer token`,
          );
        return credential.token;
      },
    },
  };
}
