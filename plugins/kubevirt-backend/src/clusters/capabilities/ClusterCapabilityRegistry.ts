import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterCapabilities,
  UnavailableOperations,
  VmOperation,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { describeRight } from '../rights/checkRights';
import { unavailableForRights } from '../rights/unavailableForRights';
import {
  unavailableOperationError,
  unavailableOperations,
} from './unavailableOperations';

export interface CapabilityRegistryOptions {
  /** Between two probes of a cluster that answered. */
  refreshMs: number;
  /** Between two probes of a cluster whose last probe failed, or after a cluster refused for a feature gate. */
  retryMs: number;
}

interface Entry {
  capabilities?: ClusterCapabilities;
  error?: string;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  /** The missing rights last logged, so that a change is logged once, not every probe. */
  loggedRights?: string;
}

/**
 * Each cluster's capabilities, probed at start, again every `refreshMs`, and
 * sooner (`retryMs`) after a failed probe or a cluster's feature-gate refusal
 * (an admin changed the KubeVirt CR). Until a first probe answers nothing is
 * known missing, so nothing is refused.
 */
export class ClusterCapabilityRegistry {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(
    /** The clusters known now (clusters a locator finds later are probed when first asked about). */
    private readonly clusters: () => Iterable<string>,
    /** The probe of one cluster, or undefined for a cluster that is not configured. */
    private readonly probeOf: (
      cluster: string,
    ) => (() => Promise<ClusterCapabilities>) | undefined,
    private readonly logger: LoggerService,
    private readonly options: CapabilityRegistryOptions,
  ) {}

  start() {
    this.stopped = false;
    for (const cluster of this.clusters()) void this.refresh(cluster);
  }

  stop() {
    this.stopped = true;
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
  }

  /** The last probe's answer, or undefined before one answered. */
  get(cluster: string): ClusterCapabilities | undefined {
    const entry = this.entries.get(cluster);
    if (!entry && !this.stopped) void this.refresh(cluster);
    return entry?.capabilities;
  }

  /** The operations a cluster cannot perform (a part or gate it lacks, a right the broker lacks there), with reasons. */
  unavailable(cluster: string): UnavailableOperations {
    const capabilities = this.get(cluster);
    return {
      ...unavailableForRights(cluster, capabilities),
      ...unavailableOperations(cluster, capabilities),
    };
  }

  /** Refuses (409 configured off, 501 not installed) an operation the cluster cannot perform, before anything reaches it. */
  assertAvailable(cluster: string, operation: VmOperation, target: string) {
    const reason = this.unavailable(cluster)[operation];
    if (reason)
      throw unavailableOperationError(
        operation,
        target,
        reason,
        this.get(cluster),
      );
  }

  /** Probes one cluster now (one probe at a time per cluster); resolves when it answered or failed. */
  refresh(cluster: string): Promise<void> {
    const probe = this.probeOf(cluster);
    if (!probe) return Promise.resolve();
    let entry = this.entries.get(cluster);
    if (!entry) this.entries.set(cluster, (entry = {}));
    if (entry.running) return entry.running;
    clearTimeout(entry.timer);
    entry.running = probe()
      .then(
        capabilities => {
          entry.capabilities = capabilities;
          entry.error = undefined;
          for (const warning of capabilities.warnings ?? [])
            this.logger.warn(warning);
          this.logRights(cluster, entry, capabilities);
          return this.options.refreshMs;
        },
        error => {
          entry.error = String(error?.message ?? error);
          this.logger.warn(
            `Capabilities of cluster ${cluster} unknown (${entry.error}); probing again in ${this.options.retryMs} ms`,
          );
          return this.options.retryMs;
        },
      )
      .then(delay => {
        entry.running = undefined;
        if (!this.stopped)
          entry.timer = setTimeout(
            () => void this.refresh(cluster),
            delay,
          ).unref();
      });
    return entry.running;
  }

  /** Each missing right once when first found, and again only when the set changes. */
  private logRights(
    cluster: string,
    entry: Entry,
    capabilities: ClusterCapabilities,
  ) {
    const missing = capabilities.missingRights;
    if (!missing) return;
    const key = missing.map(describeRight).join('\n');
    if (key === (entry.loggedRights ?? '')) return;
    entry.loggedRights = key;
    if (!missing.length) {
      this.logger.info(
        `KubeVirt cluster ${cluster}: the broker has every right it needs`,
      );
      return;
    }
    for (const right of missing)
      this.logger.warn(
        `KubeVirt cluster ${cluster}: the broker may not ${describeRight(
          right,
        )}, needed for ${right.why}${
          right.operations?.length
            ? `; disabled there: ${right.operations.join(', ')}`
            : ''
        }`,
      );
  }

  /** A cluster refused a write for a feature gate: what the broker knows is out of date, probe soon. */
  noteRefusal(cluster: string, error: unknown) {
    const entry = this.entries.get(cluster);
    if (!entry || entry.running || this.stopped) return;
    if (!/feature gate/i.test(String((error as Error)?.message ?? error)))
      return;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => void this.refresh(cluster), 0).unref();
  }
}
