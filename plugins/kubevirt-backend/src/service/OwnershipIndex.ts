import { InputError } from '@backstage/errors';
import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { stringifyEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { KUBERNETES_ID_LABEL } from '@kubevirt-backstage/plugin-kubevirt-common';

const ANNOTATION = `metadata.annotations.${KUBERNETES_ID_LABEL}`;

/** One empty owner list, so what is derived from a VM's owners can tell "still none" by identity. */
const NO_OWNERS: string[] = Object.freeze([]) as unknown as string[];

/**
 * backstage.io/kubernetes-id → owners of the catalog entities carrying it, so
 * that "owned by" permission rules can be decided against a VM's label.
 */
export class OwnershipIndex {
  private owners = new Map<string, string[]>();
  private entityIds = new Map<string, string>();
  private loaded?: Promise<void>;
  private lastLoad = 0;

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly maxAgeMs = 30_000,
    private readonly missRefreshMs = 2_000,
  ) {}

  async ownersOf(kubernetesId: string | undefined): Promise<string[]> {
    await this.fresh();
    if (kubernetesId && !this.owners.has(kubernetesId))
      await this.fresh(this.missRefreshMs);
    return kubernetesId ? this.owners.get(kubernetesId) ?? [] : [];
  }

  /**
   * Once per request before `ownersNow`: the first load is waited for, later
   * refreshes run in the background while the last index answers.
   */
  async ready(): Promise<void> {
    await this.fresh();
  }

  /**
   * `ownersOf` without a promise, for a request that judges many VMs: the
   * index as it is now (after `ready`); an unknown kubernetes-id schedules
   * the same early refresh, and is answered from the index at hand meanwhile,
   * as `ownersOf` answers once there is an index.
   */
  ownersNow(kubernetesId: string | undefined): string[] {
    if (!kubernetesId) return NO_OWNERS;
    const owners = this.owners.get(kubernetesId);
    if (owners) return owners;
    void this.fresh(this.missRefreshMs);
    return NO_OWNERS;
  }

  /** The kubernetes-id an entity's VMs carry: its annotation, as the Kubernetes plugin reads it. */
  async kubernetesIdOf(entityRef: string): Promise<string | undefined> {
    let ref: string;
    try {
      ref = stringifyEntityRef(parseEntityRef(entityRef));
    } catch (error) {
      throw new InputError(
        `Invalid entity ref ${JSON.stringify(entityRef)}: ${
          (error as Error).message
        }; use kind:namespace/name, e.g. component:default/payments-api`,
      );
    }
    await this.fresh();
    if (!this.entityIds.has(ref)) await this.fresh(this.missRefreshMs);
    return this.entityIds.get(ref);
  }

  /**
   * A kubernetes-id the index does not know (the catalog was still loading
   * when it was read, or a template just registered the component) is looked
   * up again after `missRefreshMs` instead of waiting out `maxAgeMs`, so owners
   * get their rights on new components within seconds.
   */
  private fresh(maxAgeMs = this.maxAgeMs) {
    if (!this.loaded || Date.now() - this.lastLoad > maxAgeMs) {
      this.lastLoad = Date.now();
      const previous = this.loaded;
      this.loaded = this.load().catch(error => {
        this.logger.warn(`Could not read VM owners from the catalog: ${error}`);
        this.lastLoad = 0;
      });
      // answer from the last index while a refresh runs, once there is one
      if (previous) return previous;
    }
    return this.loaded;
  }

  private async load() {
    const { items } = await this.catalog.getEntities(
      {
        filter: { [ANNOTATION]: CATALOG_FILTER_EXISTS },
        fields: [
          'kind',
          'metadata.namespace',
          'metadata.name',
          'metadata.annotations',
          'spec.owner',
        ],
      },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const owners = new Map<string, string[]>();
    const ids = new Map<string, string>();
    for (const entity of items) {
      const id = entity.metadata.annotations?.[KUBERNETES_ID_LABEL];
      if (!id) continue;
      ids.set(stringifyEntityRef(entity), id);
      const owner = (entity.spec as { owner?: string } | undefined)?.owner;
      if (!owner) continue;
      const ref = stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: entity.metadata.namespace ?? 'default',
        }),
      );
      owners.set(id, [...new Set([...(owners.get(id) ?? []), ref])]);
    }
    this.owners = owners;
    this.entityIds = ids;
  }
}
