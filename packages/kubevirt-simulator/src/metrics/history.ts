import crypto from 'node:crypto';
import { wantsRunning } from '../kubevirt/lifecycle/vmStatus';
import { FAULT_ANNOTATION } from '../kubevirt/lifecycle/vmStatus';
import { resourceTypeOfKind } from '../store/resources';
import { KubeObject, Store, StoreEvent } from '../store/store';
import { memoryBytesOf, vcpusOf } from '../kubevirt/vmiFacts';

/** One run of a VMI, from Running to its stop, with the spans it was paused. */
export interface Boot {
  namespace: string;
  name: string;
  /** The VMI's uid; unset while a seeded boot waits for its VMI. */
  uid?: string;
  node: string;
  start: number;
  end?: number;
  pauses: { from: number; to?: number }[];
  vcpus: number;
  memoryBytes: number;
  drives: string[];
}

const RETENTION_MS = 6 * 3_600_000;
const vmType = resourceTypeOfKind('VirtualMachine');
const vmiType = resourceTypeOfKind('VirtualMachineInstance');

/** A number in [0, 1) from a string: the per-VM seed of everything synthetic. */
export function seeded(text: string): number {
  return (
    crypto.createHash('sha1').update(text).digest().readUInt32BE(0) / 2 ** 32
  );
}

const isPaused = (vmi: KubeObject) =>
  (vmi.status?.conditions ?? []).some(
    (c: { type: string; status: string }) =>
      c.type === 'Paused' && c.status === 'True',
  );

/**
 * When each VM ran, as Prometheus would have seen it: recorded from VMI
 * events, and for the VMs running at seed (or restore) time, backdated to
 * an hour or more ago so charts have history from the start.
 */
export class VmHistory {
  private readonly boots = new Map<string, Boot[]>();
  /** Seeded VMs still starting: their first boot is backdated if it comes before `until`. */
  private readonly seededStarts = new Map<
    string,
    { start: number; until: number }
  >();

  constructor(private readonly now: () => number = Date.now) {}

  clear() {
    this.boots.clear();
    this.seededStarts.clear();
  }

  /** Every boot overlapping [from, to]. */
  bootsBetween(from: number, to: number): Boot[] {
    const out: Boot[] = [];
    for (const list of this.boots.values()) {
      for (const b of list)
        if (b.uid && b.start <= to && (b.end === undefined || b.end >= from))
          out.push(b);
    }
    return out;
  }

  /** When the VMI with this uid started, as the metrics tell it (backdated for seeded VMs). */
  startOf(namespace: string, name: string, uid: string): number | undefined {
    return this.boots.get(`${namespace}/${name}`)?.find(b => b.uid === uid)
      ?.start;
  }

  /** After a seed, a reset or a restore: running VMs have been up for a while. */
  backfill(store: Store, startWindowMs: number) {
    const now = this.now();
    for (const vm of store.list(vmType).items) {
      const key = `${vm.metadata.namespace}/${vm.metadata.name}`;
      const start =
        now - 65 * 60_000 - Math.floor(seeded(`uptime:${key}`) * 3 * 3_600_000);
      const vmi = store.get(vmiType, vm.metadata.namespace, vm.metadata.name);
      if (vmi?.status?.phase === 'Running' && !vmi.metadata.deletionTimestamp) {
        const boot = this.open(vmi, start);
        if (isPaused(vmi)) boot.pauses.push({ from: now });
      } else if (
        wantsRunning(vm) &&
        !vm.metadata.annotations?.[FAULT_ANNOTATION]
      ) {
        this.seededStarts.set(key, { start, until: now + startWindowMs });
      }
    }
  }

  observe(e: StoreEvent) {
    if (e.object.kind !== 'VirtualMachineInstance') return;
    const vmi = e.object;
    const now = this.now();
    const key = `${vmi.metadata.namespace}/${vmi.metadata.name}`;
    const list = this.boots.get(key) ?? [];
    const current = list.find(
      b => b.end === undefined && b.uid === vmi.metadata.uid,
    );
    const stopped =
      e.type === 'DELETED' ||
      !!vmi.metadata.deletionTimestamp ||
      ['Succeeded', 'Failed'].includes(vmi.status?.phase);
    if (stopped) {
      if (current) {
        current.end = now;
        const pause = current.pauses[current.pauses.length - 1];
        if (pause && pause.to === undefined) pause.to = now;
      }
      return;
    }
    if (vmi.status?.phase !== 'Running') return;
    let boot = current;
    if (!boot) {
      const seed = this.seededStarts.get(key);
      this.seededStarts.delete(key);
      boot = this.open(vmi, seed && seed.until >= now ? seed.start : now);
    }
    const pause = boot.pauses[boot.pauses.length - 1];
    const openPause = pause && pause.to === undefined ? pause : undefined;
    if (isPaused(vmi) && !openPause) boot.pauses.push({ from: now });
    if (!isPaused(vmi) && openPause) openPause.to = now;
  }

  private open(vmi: KubeObject, start: number): Boot {
    const key = `${vmi.metadata.namespace}/${vmi.metadata.name}`;
    const now = this.now();
    const list = (this.boots.get(key) ?? []).filter(
      b => b.end === undefined || b.end > now - RETENTION_MS,
    );
    for (const b of list) if (b.end === undefined) b.end = now;
    const disks: { name: string }[] = vmi.spec?.domain?.devices?.disks ?? [];
    const boot: Boot = {
      namespace: vmi.metadata.namespace!,
      name: vmi.metadata.name,
      uid: vmi.metadata.uid,
      node: vmi.status?.nodeName ?? '',
      start,
      pauses: [],
      vcpus: vcpusOf(vmi),
      memoryBytes: memoryBytesOf(vmi),
      drives: disks.length
        ? disks.filter(d => !/cloudinit/i.test(d.name)).map(d => d.name)
        : ['rootdisk'],
    };
    list.push(boot);
    this.boots.set(key, list);
    return boot;
  }
}
