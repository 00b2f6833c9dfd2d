import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthProviderContext,
  ClusterEntry,
  ClusterProblem,
  DEFAULT_SERVICE_ACCOUNT_DIR,
  resolveCluster,
} from './authProviders';
import { catalogLocator } from './locators/catalogLocator';
import { configLocator } from './locators/configLocator';
import { localKubectlProxyLocator } from './locators/localKubectlProxyLocator';
import { ClusterConfig } from './ClusterConfig';

/** A cluster the broker found but cannot use, and why. */
export interface UnusableCluster {
  name: string;
  title?: string;
  /** The locator that found it (`config`, `catalog`...), or the locator that failed. */
  locator: string;
  reason: string;
}

export interface LocatedClusters {
  clusters: ClusterConfig[];
  unusable: UnusableCluster[];
}

export interface LocateDeps {
  config: RootConfigService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
  /** Environment to read KUBERNETES_SERVICE_HOST from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Locator methods: the Kubernetes plugin's, then the broker's own (for clusters or auth providers only it knows). */
function locatorMethods(config: Config) {
  return [
    ...(config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ??
      []),
    ...(config.getOptionalConfigArray('kubevirt.clusterLocatorMethods') ?? []),
  ];
}

/** Whether a catalog locator is configured: its clusters come and go, so they are located again. */
export function hasCatalogLocator(config: Config) {
  return locatorMethods(config).some(m => m.getString('type') === 'catalog');
}

async function entriesOf(
  method: Config,
  index: number,
  deps: LocateDeps,
): Promise<Array<ClusterEntry | ClusterProblem>> {
  const type = method.getString('type');
  switch (type) {
    case 'config':
      return configLocator(method);
    case 'catalog':
      return catalogLocator(method, deps);
    case 'localKubectlProxy':
      return localKubectlProxyLocator();
    case 'gke':
      return [
        new ClusterProblem(
          `gke locator #${index + 1}`,
          'the gke locator is not supported by the KubeVirt broker: reach GKE clusters through a kubeconfig whose user runs gke-gcloud-auth-plugin (authProvider kubeconfig), or list them with authProvider googleServiceAccount',
        ),
      ];
    default:
      return [
        new ClusterProblem(
          `${type} locator #${index + 1}`,
          `unsupported clusterLocatorMethods type ${JSON.stringify(type)}`,
        ),
      ];
  }
}

/**
 * Every cluster of every locator method, each either usable (with how the
 * broker authenticates) or unusable with the reason; `kubevirt.clusters`
 * narrows them by name.
 */
export async function locateClusters(
  deps: LocateDeps,
  /** Leave out the catalog locator (it cannot be read before the backend has started). */
  options: { skipCatalog?: boolean } = {},
): Promise<LocatedClusters> {
  const { config, logger } = deps;
  const env = deps.env ?? process.env;
  const only = config.getOptionalStringArray('kubevirt.clusters');
  const ctx: AuthProviderContext = {
    config,
    logger,
    serviceAccountDir:
      config.getOptionalString('kubevirt.serviceAccountDir') ??
      DEFAULT_SERVICE_ACCOUNT_DIR,
    inPod: !!env.KUBERNETES_SERVICE_HOST,
  };
  const clusters: ClusterConfig[] = [];
  const unusable: UnusableCluster[] = [];
  const seen = new Map<string, string>();
  const methods = locatorMethods(config);
  for (const [index, method] of methods.entries()) {
    const type = method.getString('type');
    if (options.skipCatalog && type === 'catalog') continue;
    let entries: Array<ClusterEntry | ClusterProblem>;
    try {
      entries = await entriesOf(method, index, deps);
    } catch (error) {
      unusable.push({
        name: `${type} locator #${index + 1}`,
        locator: type,
        reason: `the locator failed: ${(error as Error).message}`,
      });
      continue;
    }
    for (const entry of entries) {
      const name = entry instanceof ClusterProblem ? entry.cluster : entry.name;
      if (only && !only.includes(name)) continue;
      if (entry instanceof ClusterProblem) {
        unusable.push({ name, locator: type, reason: entry.message });
        continue;
      }
      if (seen.has(name)) {
        unusable.push({
          name,
          title: entry.title,
          locator: type,
          reason: `another cluster of this name was found by the ${seen.get(
            name,
          )} locator; names must be unique`,
        });
        continue;
      }
      seen.set(name, type);
      try {
        clusters.push(await resolveCluster(entry, ctx));
      } catch (error) {
        unusable.push({
          name,
          title: entry.title,
          locator: type,
          reason: (error as Error).message,
        });
      }
    }
  }
  return { clusters, unusable };
}
