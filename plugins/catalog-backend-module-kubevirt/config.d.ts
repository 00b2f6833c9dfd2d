import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * KubeVirt VMs as catalog entities (`Resource`, `spec.type: virtual-machine`),
       * read from the KubeVirt broker. On by default once the module is installed.
       */
      kubevirt?: {
        /** Set to false to emit no VM entities (the ones emitted before are removed). */
        enabled?: boolean;
        /** Clusters (broker names) whose VMs become entities; all clusters the broker knows when unset. */
        clusters?: string[];
        /**
         * Owner of VMs in a namespace, when the VM names none itself
         * (`kubevirt.backstage.io/owner` or `backstage.io/owner`, annotation or label).
         * An entry with a cluster wins over one without; `owner` is an entity ref,
         * `group:default/team-a` or `team-a`.
         */
        namespaceOwners?: Array<{
          namespace: string;
          cluster?: string;
          owner: string;
        }>;
        /**
         * Owner of a VM that has no owner of its own, no namespace mapping and no
         * component (via `backstage.io/kubernetes-id`) with an owner. Default `group:default/unowned`.
         */
        defaultOwner?: string;
        /** How often the full mutation (the safety net behind the event-driven deltas) runs. Default every 10 minutes. */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /** VMs per request when paging through the broker's list. Default 1000. */
        pageSize?: number;
      };
    };
  };
}
