import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { toOwnerRef } from './ownerRef';

export interface KubevirtProviderConfig {
  enabled: boolean;
  /** Undefined: every cluster the broker reports. */
  clusters?: string[];
  /** `<namespace>` or `<cluster>/<namespace>` → full entity ref. */
  namespaceOwners: Map<string, string>;
  defaultOwner: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
  pageSize: number;
  /** Where the portal's VM pages live, for the entities' links. */
  appBaseUrl?: string;
}

const CONFIG_KEY = 'catalog.providers.kubevirt';

const defaultSchedule: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 5 },
};

function ownerRef(value: string, where: string) {
  try {
    return toOwnerRef(value);
  } catch (error) {
    throw new InputError(
      `Invalid owner "${value}" in ${CONFIG_KEY}.${where}: ${error}`,
    );
  }
}

export function readProviderConfig(root: Config): KubevirtProviderConfig {
  const config = root.getOptionalConfig(CONFIG_KEY);
  const namespaceOwners = new Map<string, string>();
  for (const [i, entry] of (
    config?.getOptionalConfigArray('namespaceOwners') ?? []
  ).entries()) {
    const namespace = entry.getString('namespace');
    const cluster = entry.getOptionalString('cluster');
    namespaceOwners.set(
      cluster ? `${cluster}/${namespace}` : namespace,
      ownerRef(entry.getString('owner'), `namespaceOwners[${i}].owner`),
    );
  }
  const pageSize = config?.getOptionalNumber('pageSize') ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) {
    throw new InputError(
      `${CONFIG_KEY}.pageSize must be an integer from 1 to 5000 (the broker's limit), got ${pageSize}`,
    );
  }
  return {
    enabled: config?.getOptionalBoolean('enabled') ?? true,
    clusters: config?.getOptionalStringArray('clusters'),
    namespaceOwners,
    defaultOwner: ownerRef(
      config?.getOptionalString('defaultOwner') ?? 'group:default/unowned',
      'defaultOwner',
    ),
    schedule: config?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          config.getConfig('schedule'),
        )
      : defaultSchedule,
    pageSize,
    appBaseUrl: root.getOptionalString('app.baseUrl')?.replace(/\/+$/, ''),
  };
}
