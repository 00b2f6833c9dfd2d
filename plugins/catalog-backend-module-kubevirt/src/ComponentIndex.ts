import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { KUBERNETES_ID_LABEL } from '@kubevirt-backstage/plugin-kubevirt-common';
import { ServedComponent } from './vmToEntity';

/**
 * `backstage.io/kubernetes-id` → the components carrying it, with their owner
 * and system, read from the catalog in one query. Deltas use an index at most
 * `maxAgeMs` old; a full mutation reloads it.
 */
export class ComponentIndex {
  private byId = new Map<string, ServedComponent[]>();
  private loadedAt = 0;
  private signature = '';
  private loading?: Promise<void>;

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly maxAgeMs = 60_000,
  ) {}

  /** The components a VM with this kubernetes-id serves; `component:default/<id>` when the catalog has none (yet). */
  componentsOf(kubernetesId: string | undefined): ServedComponent[] {
    if (!kubernetesId) return [];
    return (
      this.byId.get(kubernetesId) ?? [
        {
          ref: stringifyEntityRef({
            kind: 'component',
            namespace: 'default',
            name: kubernetesId,
          }),
        },
      ]
    );
  }

  /** Changes whenever the index content does. */
  get version(): string {
    return this.signature;
  }

  /** Reloads the index if it is older than maxAgeMs (or always, with force). */
  async refresh(options: { force?: boolean } = {}) {
    if (!options.force && Date.now() - this.loadedAt < this.maxAgeMs) return;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  private async load() {
    try {
      const { items } = await this.catalog.getEntities(
        {
          filter: {
            kind: 'component',
            [`metadata.annotations.${KUBERNETES_ID_LABEL}`]:
              CATALOG_FILTER_EXISTS,
          },
          fields: [
            'kind',
            'metadata.namespace',
            'metadata.name',
            'metadata.annotations',
            'spec.owner',
            'spec.system',
          ],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      const byId = new Map<string, ServedComponent[]>();
      for (const entity of items) {
        const id = entity.metadata.annotations?.[KUBERNETES_ID_LABEL];
        if (!id) continue;
        byId.set(id, [...(byId.get(id) ?? []), served(entity)]);
      }
      this.byId = byId;
      this.signature = JSON.stringify(
        [...byId].sort(([a], [b]) => a.localeCompare(b)),
      );
      this.loadedAt = Date.now();
    } catch (error) {
      // VMs still get entities, with component refs from their label alone
      this.logger.warn(
        `Could not read components from the catalog for VM relations: ${error}`,
      );
    }
  }
}

function served(entity: Entity): ServedComponent {
  const namespace = entity.metadata.namespace ?? 'default';
  const spec = (entity.spec ?? {}) as { owner?: string; system?: string };
  const resolve = (ref: string | undefined, defaultKind: string) => {
    if (!ref) return undefined;
    try {
      return stringifyEntityRef(
        parseEntityRef(ref, { defaultKind, defaultNamespace: namespace }),
      );
    } catch {
      return undefined;
    }
  };
  return {
    ref: stringifyEntityRef({
      kind: 'component',
      namespace,
      name: entity.metadata.name,
    }),
    owner: resolve(spec.owner, 'group'),
    system: resolve(spec.system, 'system'),
  };
}
