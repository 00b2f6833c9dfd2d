import { KubeObject } from '../../store/store';
import {
  FAULT_ANNOTATION,
  firstRequestDone,
  printableStatus,
  runStrategyOf,
  shouldStartVmi,
  shouldStopVmi,
  StateChangeRequest,
} from './vmStatus';

const vm = (
  spec: Record<string, unknown>,
  opts: {
    requests?: StateChangeRequest[];
    statusRunStrategy?: string;
    fault?: string;
    deleting?: boolean;
  } = {},
): KubeObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: {
    name: 'vm-1',
    namespace: 'ns',
    ...(opts.fault ? { annotations: { [FAULT_ANNOTATION]: opts.fault } } : {}),
    ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec,
  status: {
    ...(opts.requests ? { stateChangeRequests: opts.requests } : {}),
    ...(opts.statusRunStrategy ? { runStrategy: opts.statusRunStrategy } : {}),
  },
});

const vmi = (
  phase: string,
  opts: { uid?: string; paused?: boolean; deleting?: boolean } = {},
): KubeObject => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachineInstance',
  metadata: {
    name: 'vm-1',
    namespace: 'ns',
    uid: opts.uid ?? 'vmi-uid',
    ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  status: {
    phase,
    conditions: opts.paused ? [{ type: 'Paused', status: 'True' }] : [],
  },
});

const always = { runStrategy: 'Always' };
const manual = { runStrategy: 'Manual' };
const halted = { runStrategy: 'Halted' };
const stopThis: StateChangeRequest = { action: 'Stop', uid: 'vmi-uid' };
const start: StateChangeRequest = { action: 'Start' };
const idle = { migrating: false, provisioning: false };

describe('runStrategyOf', () => {
  it('prefers runStrategy, and reads the deprecated running field otherwise', () => {
    expect(runStrategyOf(vm({ runStrategy: 'Manual', running: true }))).toBe(
      'Manual',
    );
    expect(runStrategyOf(vm({ running: true }))).toBe('Always');
    expect(runStrategyOf(vm({ running: false }))).toBe('Halted');
    expect(runStrategyOf(vm({}))).toBe('Halted');
  });
});

describe('firstRequestDone', () => {
  it('is false without requests', () => {
    expect(firstRequestDone(vm(always), vmi('Running'))).toBe(false);
  });

  it('takes a Stop as done once the VMI it names is gone or replaced', () => {
    const v = vm(always, { requests: [stopThis, start] });
    expect(firstRequestDone(v, vmi('Running'))).toBe(false);
    expect(firstRequestDone(v, vmi('Running', { uid: 'other' }))).toBe(true);
    expect(firstRequestDone(v, undefined)).toBe(true);
  });

  it('takes a Start as done once a live, unfinished VMI is there', () => {
    const v = vm(manual, { requests: [start] });
    expect(firstRequestDone(v, undefined)).toBe(false);
    expect(firstRequestDone(v, vmi('Pending'))).toBe(true);
    expect(firstRequestDone(v, vmi('Running', { deleting: true }))).toBe(false);
    expect(firstRequestDone(v, vmi('Succeeded'))).toBe(false);
  });
});

describe('shouldStartVmi', () => {
  it('starts Always at once, Manual only on a Start request, Halted never', () => {
    expect(shouldStartVmi(vm(always))).toBe(true);
    expect(shouldStartVmi(vm(manual))).toBe(false);
    expect(shouldStartVmi(vm(manual, { requests: [start] }))).toBe(true);
    expect(shouldStartVmi(vm(halted, { requests: [start] }))).toBe(false);
  });

  it('starts RerunOnFailure when the strategy is new to the VM or on request', () => {
    const rerun = { runStrategy: 'RerunOnFailure' };
    expect(shouldStartVmi(vm(rerun))).toBe(true);
    expect(
      shouldStartVmi(vm(rerun, { statusRunStrategy: 'RerunOnFailure' })),
    ).toBe(false);
    expect(
      shouldStartVmi(
        vm(rerun, { statusRunStrategy: 'RerunOnFailure', requests: [start] }),
      ),
    ).toBe(true);
  });
});

describe('shouldStopVmi', () => {
  it('stops only for a Stop request naming this VMI, or a finished VMI under Always', () => {
    expect(shouldStopVmi(vm(always), vmi('Running'))).toBe(false);
    expect(
      shouldStopVmi(vm(always, { requests: [stopThis] }), vmi('Running')),
    ).toBe(true);
    expect(
      shouldStopVmi(
        vm(always, { requests: [stopThis] }),
        vmi('Running', { uid: 'other' }),
      ),
    ).toBe(false);
    expect(shouldStopVmi(vm(always), vmi('Succeeded'))).toBe(true);
    expect(shouldStopVmi(vm(manual), vmi('Succeeded'))).toBe(false);
  });

  it('stops under Halted and for a VM being deleted, never a VMI already going', () => {
    expect(shouldStopVmi(vm(halted), vmi('Running'))).toBe(true);
    expect(shouldStopVmi(vm(manual, { deleting: true }), vmi('Running'))).toBe(
      true,
    );
    expect(shouldStopVmi(vm(halted), vmi('Running', { deleting: true }))).toBe(
      false,
    );
    expect(shouldStopVmi(vm(halted), undefined)).toBe(false);
  });
});

describe('printableStatus', () => {
  it('says Terminating for a VM being deleted before anything about its VMI', () => {
    expect(
      printableStatus(vm(always, { deleting: true }), vmi('Running'), idle),
    ).toBe('Terminating');
  });

  it('says Stopping while a running VMI is being stopped', () => {
    expect(printableStatus(vm(halted), vmi('Running'), idle)).toBe('Stopping');
    expect(
      printableStatus(vm(always), vmi('Running', { deleting: true }), idle),
    ).toBe('Stopping');
  });

  it('puts Migrating before Paused before Running', () => {
    const paused = vmi('Running', { paused: true });
    expect(
      printableStatus(vm(always), paused, { ...idle, migrating: true }),
    ).toBe('Migrating');
    expect(printableStatus(vm(always), paused, idle)).toBe('Paused');
    expect(printableStatus(vm(always), vmi('Running'), idle)).toBe('Running');
    expect(
      printableStatus(vm(always), vmi('Scheduled'), {
        ...idle,
        migrating: true,
      }),
    ).toBe('Starting');
  });

  it('shows Provisioning only for a VM meant to run', () => {
    const provisioning = { ...idle, provisioning: true };
    expect(printableStatus(vm(always), undefined, provisioning)).toBe(
      'Provisioning',
    );
    expect(printableStatus(vm(halted), undefined, provisioning)).toBe(
      'Stopped',
    );
  });

  it('shows the fault annotations where KubeVirt would show the error', () => {
    expect(
      printableStatus(
        vm(always, { fault: 'ErrorUnschedulable' }),
        vmi('Pending'),
        idle,
      ),
    ).toBe('ErrorUnschedulable');
    expect(
      printableStatus(
        vm(always, { fault: 'ErrorUnschedulable' }),
        undefined,
        idle,
      ),
    ).toBe('Starting');
    expect(
      printableStatus(
        vm(always, { fault: 'ErrImagePull' }),
        vmi('Scheduling'),
        idle,
      ),
    ).toBe('ErrImagePull');
    expect(
      printableStatus(
        vm(always, { fault: 'CrashLoopBackOff' }),
        undefined,
        idle,
      ),
    ).toBe('CrashLoopBackOff');
    expect(
      printableStatus(
        vm(halted, { fault: 'CrashLoopBackOff' }),
        undefined,
        idle,
      ),
    ).toBe('Stopped');
  });

  it('tells Starting from Stopped for a VM without a running VMI', () => {
    expect(printableStatus(vm(manual), undefined, idle)).toBe('Stopped');
    expect(
      printableStatus(vm(manual, { requests: [start] }), undefined, idle),
    ).toBe('Starting');
    expect(printableStatus(vm(always), vmi('Pending'), idle)).toBe('Starting');
    expect(printableStatus(vm(manual), vmi('Succeeded'), idle)).toBe('Stopped');
    expect(printableStatus(vm(manual), vmi('Unknown'), idle)).toBe('Unknown');
  });
});
