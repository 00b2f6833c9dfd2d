import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Simulator,
  startSimulator,
} from '@kubevirt-backstage/kubevirt-simulator';
import {
  actionContext,
  adminGet,
  APP_URL,
  BrokerDeps,
  startBroker,
  vmPath,
} from '../__testUtils__/harness';
import { createVmCreateAction } from './createVm';
import { createVmDeleteAction } from './deleteVm';
import { createVmSnapshotAction } from './snapshotVm';
import { createVmActionAction } from './vmAction';
import { createVmWaitAction } from './waitVm';

jest.setTimeout(60_000);

const SNAPSHOTS =
  '/apis/snapshot.kubevirt.io/v1beta1/namespaces/payments/virtualmachinesnapshots';

describe('kubevirt:vm:action, snapshot, delete and wait against the broker and the simulator', () => {
  let east: Simulator;
  let deps: BrokerDeps;
  let stopBackend: () => Promise<void>;
  const ref = (name: string) => ({
    cluster: 'east',
    namespace: 'payments',
    name,
  });
  const status = async (name: string) =>
    (await adminGet(east, vmPath('payments', name))).body?.status
      ?.printableStatus;
  const actions = () => {
    const d = { ...deps, appBaseUrl: APP_URL, pollIntervalMs: 50 };
    return {
      create: createVmCreateAction(d),
      act: createVmActionAction(d),
      snapshot: createVmSnapshotAction(d),
      del: createVmDeleteAction(d),
      wait: createVmWaitAction(d),
    };
  };
  const createVm = async (name: string) => {
    const { ctx } = actionContext({
      ...ref(name),
      instancetype: 'u1.small',
      image: 'kubevirt-os-images/fedora',
      owner: 'group:default/team-payments',
      timeoutSeconds: 20,
    });
    await actions().create.handler(ctx as any);
  };

  beforeAll(async () => {
    east = await startSimulator({ port: 0, stageDelayMs: 0 });
    await east.settled();
    const started = await startBroker({ east });
    deps = started.deps;
    stopBackend = () => started.backend.stop();
  });
  afterAll(async () => {
    await stopBackend?.();
    await east?.stop();
  });

  it('stop, stop again (nothing to do), start, pause, unpause, restart, softReboot, migrate', async () => {
    await createVm('ops-vm');
    const run = async (action: string, dryRun = false) => {
      const c = actionContext(
        { ...ref('ops-vm'), action, timeoutSeconds: 20 },
        { dryRun },
      );
      await actions().act.handler(c.ctx as any);
      return c;
    };
    expect((await run('stop')).outputs()).toEqual({
      status: 'Stopped',
      changed: true,
    });
    expect(await status('ops-vm')).toBe('Stopped');
    const again = await run('stop');
    expect(again.outputs()).toEqual({ status: 'Stopped', changed: false });
    expect(again.lines.join('\n')).toContain(
      'VM payments/ops-vm on cluster east is Stopped: nothing to stop',
    );
    // a dry run asks the broker and changes nothing
    expect((await run('start', true)).outputs()).toEqual({
      status: 'Stopped',
      changed: false,
    });
    expect(await status('ops-vm')).toBe('Stopped');
    expect((await run('start')).outputs()).toEqual({
      status: 'Running',
      changed: true,
    });
    expect((await run('pause')).outputs()).toEqual({
      status: 'Paused',
      changed: true,
    });
    expect((await run('unpause')).outputs()).toEqual({
      status: 'Running',
      changed: true,
    });
    expect((await run('unpause')).outputs()).toEqual({
      status: 'Running',
      changed: false,
    });
    expect((await run('restart')).outputs()).toEqual({
      status: 'Running',
      changed: true,
    });
    expect((await run('softReboot')).outputs()).toEqual({
      status: 'Running',
      changed: true,
    });
    expect((await run('migrate')).outputs()).toEqual({
      status: 'Running',
      changed: true,
    });
  });

  it('acting on a VM that does not exist names it', async () => {
    const { ctx } = actionContext({ ...ref('no-such-vm'), action: 'start' });
    await expect(actions().act.handler(ctx as any)).rejects.toThrow(
      'Could not start VM payments/no-such-vm on cluster east: the VM does not exist or you may not see it',
    );
  });

  it('snapshot: waits until ready to use; a re-run with the same name takes no second one; a dry run takes none', async () => {
    await createVm('snap-vm');
    const input = {
      ...ref('snap-vm'),
      snapshotName: 'snap-vm-before-upgrade',
      waitForReady: true,
      timeoutSeconds: 20,
    };
    const count = async () =>
      (await adminGet(east, SNAPSHOTS)).body.items.filter(
        (s: any) => s.spec.source.name === 'snap-vm',
      ).length;

    const dry = actionContext(
      { ...input, snapshotName: 'snap-vm-dry' },
      { dryRun: true },
    );
    await actions().snapshot.handler(dry.ctx as any);
    expect(await count()).toBe(0);

    const first = actionContext(input);
    await actions().snapshot.handler(first.ctx as any);
    expect(first.outputs()).toMatchObject({
      snapshotName: 'snap-vm-before-upgrade',
      readyToUse: true,
    });
    const second = actionContext(input);
    await actions().snapshot.handler(second.ctx as any);
    expect(second.outputs()).toMatchObject({
      snapshotName: 'snap-vm-before-upgrade',
      readyToUse: true,
    });
    expect(second.lines.join('\n')).toContain(
      'already has snapshot snap-vm-before-upgrade',
    );
    expect(await count()).toBe(1);

    const bad = actionContext({ ...input, snapshotName: 'Not_Valid' });
    await expect(actions().snapshot.handler(bad.ctx as any)).rejects.toThrow(
      /snapshot name "Not_Valid" is not valid/,
    );
  });

  it('delete: dry run keeps the VM, delete waits until gone, a second delete is success', async () => {
    await createVm('del-vm');
    const dry = actionContext({ ...ref('del-vm') }, { dryRun: true });
    await actions().del.handler(dry.ctx as any);
    expect(dry.outputs()).toEqual({ deleted: false });
    expect((await adminGet(east, vmPath('payments', 'del-vm'))).status).toBe(
      200,
    );

    const first = actionContext({ ...ref('del-vm'), timeoutSeconds: 20 });
    await actions().del.handler(first.ctx as any);
    expect(first.outputs()).toEqual({ deleted: true });
    expect((await adminGet(east, vmPath('payments', 'del-vm'))).status).toBe(
      404,
    );

    const again = actionContext({ ...ref('del-vm') });
    await actions().del.handler(again.ctx as any);
    expect(again.outputs()).toEqual({ deleted: false });
    expect(again.lines.join('\n')).toContain(
      'does not exist: nothing to delete',
    );
  });

  it('wait: for a status, for a condition, times out with the current status, honours cancel', async () => {
    const running = actionContext({
      ...ref('payments-db-0'),
      status: ['Running', 'Paused'],
      condition: 'Ready',
      timeoutSeconds: 10,
    });
    await actions().wait.handler(running.ctx as any);
    expect(running.outputs()).toMatchObject({ status: 'Running', ready: true });

    // payments-batch is stopped in the demo seed
    const stuck = actionContext({
      ...ref('payments-batch'),
      status: 'Running',
      timeoutSeconds: 1,
    });
    await expect(actions().wait.handler(stuck.ctx as any)).rejects.toThrow(
      'Timed out after 1s waiting for VM payments/payments-batch on cluster east to be status Running; it is status Stopped, not ready',
    );

    const abort = new AbortController();
    const cancelled = actionContext(
      { ...ref('payments-batch'), status: 'Running', timeoutSeconds: 600 },
      { signal: abort.signal },
    );
    setTimeout(() => abort.abort(), 200);
    const started = Date.now();
    await expect(actions().wait.handler(cancelled.ctx as any)).rejects.toThrow(
      /Cancelled/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);

    const nothing = actionContext({ ...ref('payments-batch') });
    await expect(actions().wait.handler(nothing.ctx as any)).rejects.toThrow(
      'Give a status or a condition to wait for',
    );

    const dry = actionContext(
      { ...ref('not-created-in-dry-run'), status: 'Running' },
      { dryRun: true },
    );
    await actions().wait.handler(dry.ctx as any);
    expect(dry.outputs()).toMatchObject({ status: 'DryRun' });
  });
});

describe('VM operations without the rights', () => {
  it('fail with a clear permission error and change nothing', async () => {
    const sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    const { backend, deps } = await startBroker(
      { east: sim },
      mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
    );
    try {
      const d = { ...deps, appBaseUrl: APP_URL, pollIntervalMs: 50 };
      const vm = {
        cluster: 'east',
        namespace: 'payments',
        name: 'payments-db-0',
      };
      // a denied read is a 403 as well: the VM is not shown
      const stop = actionContext({ ...vm, action: 'stop' });
      await expect(
        createVmActionAction(d).handler(stop.ctx as any),
      ).rejects.toThrow(
        /Could not (read|stop) VM payments\/payments-db-0 on cluster east: permission denied/,
      );
      const del = actionContext({ ...vm });
      await expect(
        createVmDeleteAction(d).handler(del.ctx as any),
      ).rejects.toThrow(
        /Could not delete VM payments\/payments-db-0 on cluster east: permission denied/,
      );
      expect(
        (await adminGet(sim, vmPath('payments', 'payments-db-0'))).body.status
          .printableStatus,
      ).toBe('Running');
    } finally {
      await backend.stop();
      await sim.stop();
    }
  });
});
