import { resourceTypeOfKind } from '../resources';
import { Store, StoreEvent } from '../store';
import { StageContext } from './context';
import { Stage, stages as defaultStages } from './stages';

/**
 * Runs the stage table: whenever an object (or something it depends on)
 * changes, its first matching stage runs after that stage's delay.
 */
export class LifecycleController {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly ctx: StageContext;
  private unsubscribe?: () => void;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private stageDelayMs: number,
    private readonly stages: Stage[] = defaultStages,
  ) {
    this.ctx = new StageContext(store, () =>
      store.list(resourceTypeOfKind('Node')).items.map(n => n.metadata.name),
    );
  }

  start() {
    this.stopped = false;
    this.unsubscribe = this.store.subscribe(e => this.onEvent(e));
  }

  stop() {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  /** Resolves once no stage is pending (immediately useful with a zero delay). */
  async settled() {
    for (let i = 0; i < 1000 && this.pending.size; i++) {
      await new Promise(r => setTimeout(r, Math.max(5, this.stageDelayMs)));
    }
  }

  setStageDelay(ms: number) {
    this.stageDelayMs = ms;
  }

  /** Looks at every object once, e.g. after a seed or a restore. */
  resyncAll() {
    for (const kind of new Set(this.stages.map(s => s.kind))) {
      for (const obj of this.store.list(resourceTypeOfKind(kind)).items) {
        this.schedule(kind, obj.metadata.namespace, obj.metadata.name);
      }
    }
  }

  private onEvent(e: StoreEvent) {
    const { kind, metadata } = e.object;
    if (e.type !== 'DELETED') this.schedule(kind, metadata.namespace, metadata.name);
    // a VM's status follows its VMI, DataVolumes and migrations
    if (kind === 'VirtualMachineInstance') this.schedule('VirtualMachine', metadata.namespace, metadata.name);
    if (kind === 'VirtualMachineInstanceMigration') {
      this.schedule('VirtualMachine', metadata.namespace, e.object.spec?.vmiName);
    }
    if (kind === 'DataVolume') {
      for (const owner of metadata.ownerReferences ?? []) {
        if (owner.kind === 'VirtualMachine') this.schedule('VirtualMachine', metadata.namespace, owner.name);
      }
    }
  }

  private schedule(kind: string, namespace: string | undefined, name: string | undefined) {
    if (!name || this.stopped || !this.stages.some(s => s.kind === kind)) return;
    const key = `${kind}/${namespace ?? ''}/${name}`;
    if (this.pending.has(key)) return;
    const obj = this.store.get(resourceTypeOfKind(kind), namespace, name);
    if (!obj) return;
    const stage = this.stages.find(s => s.kind === kind && s.when(obj, this.ctx));
    if (!stage) return;
    const delay = stage.delay * this.stageDelayMs;
    const run = () => {
      this.pending.delete(key);
      if (this.stopped) return;
      const current = this.store.get(resourceTypeOfKind(kind), namespace, name);
      if (!current) return;
      const next = this.stages.find(s => s.kind === kind && s.when(current, this.ctx));
      if (next) next.then(current, this.ctx);
      this.schedule(kind, namespace, name);
    };
    this.pending.set(key, delay > 0 ? setTimeout(run, delay) : setTimeout(run, 0));
  }
}
