import { resourceTypeOfKind } from '../../store/resources';
import { Store, StoreEvent } from '../../store/store';
import { StageContext } from './context';
import { Stage, stages as defaultStages } from './stages';

/**
 * Runs the stage table: whenever an object (or something it depends on)
 * changes, its first matching stage runs after that stage's delay.
 */
export class LifecycleController {
  /** Per object, the one stage run waiting for its time, and when that is. */
  private readonly pending = new Map<
    string,
    { timer: NodeJS.Timeout; due: number; run: () => void }
  >();
  private readonly ctx: StageContext;
  private unsubscribe?: () => void;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private stageDelayMs: number,
    private readonly stages: Stage[] = defaultStages,
  ) {
    // the scheduler places pods only on nodes that are not cordoned (spec.unschedulable)
    this.ctx = new StageContext(store, () =>
      store
        .list(resourceTypeOfKind('Node'))
        .items.filter(n => !n.spec?.unschedulable)
        .map(n => n.metadata.name),
    );
  }

  start() {
    this.stopped = false;
    this.unsubscribe = this.store.subscribe(e => this.onEvent(e));
  }

  stop() {
    this.stopped = true;
    this.unsubscribe?.();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }

  /** Resolves once no stage is pending (immediately useful with a zero delay). */
  async settled() {
    for (let i = 0; i < 1000 && this.pending.size; i++) {
      await new Promise(r => setTimeout(r, Math.max(5, this.stageDelayMs)));
    }
  }

  /**
   * A shorter delay also applies to the runs already waiting, scaled to
   * what is left of their wait: a test that slows the stages to look at an
   * intermediate state and then sets 0 sees the rest happen at once.
   */
  setStageDelay(ms: number) {
    const before = this.stageDelayMs;
    this.stageDelayMs = ms;
    if (ms >= before) return;
    const now = Date.now();
    for (const waiting of this.pending.values()) {
      const left = Math.max(0, waiting.due - now);
      const wait = before > 0 ? Math.round((left * ms) / before) : 0;
      clearTimeout(waiting.timer);
      waiting.timer = setTimeout(waiting.run, wait);
      waiting.due = now + wait;
    }
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
    if (e.type !== 'DELETED')
      this.schedule(kind, metadata.namespace, metadata.name);
    // a VM's status follows its VMI, DataVolumes and migrations
    if (kind === 'VirtualMachineInstance') {
      this.schedule('VirtualMachine', metadata.namespace, metadata.name);
      // and a migration follows its VMI: one that stops or goes away fails the migration
      const migrations = this.store.list(
        resourceTypeOfKind('VirtualMachineInstanceMigration'),
        {
          namespace: metadata.namespace,
          labels: [
            { key: 'kubevirt.io/vmi-name', op: 'in', values: [metadata.name] },
          ],
        },
      ).items;
      for (const m of migrations)
        this.schedule(
          'VirtualMachineInstanceMigration',
          metadata.namespace,
          m.metadata.name,
        );
    }
    if (kind === 'VirtualMachineInstanceMigration') {
      this.schedule(
        'VirtualMachine',
        metadata.namespace,
        e.object.spec?.vmiName,
      );
    }
    if (kind === 'DataVolume') {
      for (const owner of metadata.ownerReferences ?? []) {
        if (owner.kind === 'VirtualMachine')
          this.schedule('VirtualMachine', metadata.namespace, owner.name);
      }
    }
  }

  private schedule(
    kind: string,
    namespace: string | undefined,
    name: string | undefined,
  ) {
    if (!name || this.stopped || !this.stages.some(s => s.kind === kind))
      return;
    const key = `${kind}/${namespace ?? ''}/${name}`;
    const waiting = this.pending.get(key);
    // a run already waiting covers the object, unless a change made a sooner stage match (a
    // deleted migration is canceled at once, not after the step it was waiting for)
    if (waiting && waiting.due <= Date.now()) return;
    const obj = this.store.get(resourceTypeOfKind(kind), namespace, name);
    if (!obj) return;
    const stage = this.stages.find(
      s => s.kind === kind && s.when(obj, this.ctx),
    );
    if (!stage) return;
    const delay = stage.delay * this.stageDelayMs;
    if (waiting) {
      if (waiting.due <= Date.now() + delay) return;
      clearTimeout(waiting.timer);
    }
    const run = () => {
      this.pending.delete(key);
      if (this.stopped) return;
      const current = this.store.get(resourceTypeOfKind(kind), namespace, name);
      if (!current) return;
      const next = this.stages.find(
        s => s.kind === kind && s.when(current, this.ctx),
      );
      if (next) next.then(current, this.ctx);
      this.schedule(kind, namespace, name);
    };
    this.pending.set(key, {
      timer: setTimeout(run, Math.max(0, delay)),
      due: Date.now() + delay,
      run,
    });
  }
}
