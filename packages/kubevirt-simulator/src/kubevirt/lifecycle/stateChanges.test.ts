import { kubectlFor } from '../../__testUtils__/kubectl';
import { Simulator, startSimulator } from '../../index';

jest.setTimeout(60_000);

/**
 * Restart, stop, start, migrate, cancel and pause as an operator drives them with the real kubectl,
 * against KubeVirt's behaviour (virt-api pkg/virt-api/rest/lifecycle.go, the VM controller's
 * status.stateChangeRequests in pkg/virt-controller/watch/vm/vm.go, migration cancel in
 * pkg/virt-controller/watch/migration/migration.go). Stages run at once; a test that must catch a VM
 * or a migration mid-way slows the stages down for that moment only.
 */
describe('VM state changes and migrations, driven by kubectl', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const sub = (
    namespace: string,
    resource: 'virtualmachines' | 'virtualmachineinstances',
    name: string,
    action: string,
  ) =>
    kubectl(
      'replace',
      '--raw',
      `/apis/subresources.kubevirt.io/v1/namespaces/${namespace}/${resource}/${name}/${action}`,
      '-f',
      k.file('empty.json', '{}'),
    );
  const jsonpath = async (
    kind: string,
    namespace: string,
    name: string,
    path: string,
  ) =>
    (
      await kubectl(
        'get',
        kind,
        name,
        '-n',
        namespace,
        '-o',
        `jsonpath=${path}`,
      )
    ).stdout;
  const events = async (namespace: string, name: string) =>
    (
      await kubectl(
        'get',
        'events',
        '-n',
        namespace,
        '--field-selector',
        `involvedObject.name=${name}`,
        '-o',
        'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}',
      )
    ).stdout;
  const migrationOf = async (namespace: string, vmi: string) =>
    (
      await kubectl(
        'get',
        'vmim',
        '-n',
        namespace,
        '-l',
        `kubevirt.io/vmi-name=${vmi}`,
        '-o',
        'jsonpath={.items[0].metadata.name}',
      )
    ).stdout;
  /** Polls (kubectl is the clock here) until the value is what the test waits for. */
  const until = async (
    read: () => Promise<string>,
    ok: (value: string) => boolean,
    what: string,
  ) => {
    const end = Date.now() + 20_000;
    let value = await read();
    while (!ok(value)) {
      if (Date.now() > end)
        throw new Error(`${what}: still ${JSON.stringify(value)}`);
      await new Promise(r => setTimeout(r, 50));
      value = await read();
    }
    return value;
  };
  /** The phases in which the simulator's VMI carries the migration's state (the target took over). */
  const handedOff = (phase: string) =>
    ['Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady'].includes(
      phase,
    );
  const vmYaml = (
    name: string,
    runStrategy: string,
    templateSpec = '{domain: {devices: {}}}',
  ) => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: ${name}, namespace: payments}
spec:
  runStrategy: ${runStrategy}
  instancetype: {name: u1.small}
  template:
    spec: ${templateSpec}
`;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0 });
    k = kubectlFor(sim);
    await sim.settled();
  });

  afterEach(async () => {
    sim.setStageDelay(0);
    await sim.settled();
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  describe('restart (a Stop and a Start request)', () => {
    it('replaces the VMI with a new one, clears the requests, and a later stop stops the VM', async () => {
      const before = await jsonpath(
        'vmi',
        'payments',
        'payments-db-0',
        '{.metadata.uid}',
      );
      expect(
        (await sub('payments', 'virtualmachines', 'payments-db-0', 'restart'))
          .code,
      ).toBe(0);
      await sim.settled();
      const after = await jsonpath(
        'vmi',
        'payments',
        'payments-db-0',
        '{.metadata.uid} {.status.phase}',
      );
      expect(after).toMatch(/^\S+ Running$/);
      expect(after.split(' ')[0]).not.toBe(before);
      expect(
        await jsonpath(
          'vm',
          'payments',
          'payments-db-0',
          '{.status.printableStatus}|{.status.stateChangeRequests}|{.status.ready}',
        ),
      ).toBe('Running||true');
      expect(await events('payments', 'payments-db-0')).toContain(
        `SuccessfulDelete: Stopped the virtual machine by deleting the virtual machine instance ${before}`,
      );

      expect(
        (await sub('payments', 'virtualmachines', 'payments-db-0', 'stop'))
          .code,
      ).toBe(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vm',
          'payments',
          'payments-db-0',
          '{.spec.runStrategy} {.status.printableStatus}',
        ),
      ).toBe('Halted Stopped');
      expect(
        (await kubectl('get', 'vmi', 'payments-db-0', '-n', 'payments')).stderr,
      ).toContain('NotFound');
    });

    it('of an Always VM, undoes a stop sent while the old VMI still shuts down, as the KubeVirt controller does', async () => {
      // the stop only turns the run strategy to Halted; the queued Start then turns it back to Always
      const before = await jsonpath(
        'vmi',
        'platform',
        'bastion',
        '{.metadata.uid}',
      );
      // slow enough that two kubectl runs fit before the old VMI is gone, even on a busy machine
      sim.setStageDelay(8000);
      expect(
        (await sub('platform', 'virtualmachines', 'bastion', 'restart')).code,
      ).toBe(0);
      expect(
        await until(
          () =>
            jsonpath('vm', 'platform', 'bastion', '{.status.printableStatus}'),
          s => s === 'Stopping',
          'bastion stopping',
        ),
      ).toBe('Stopping');
      expect(
        (await sub('platform', 'virtualmachines', 'bastion', 'stop')).code,
      ).toBe(0);
      expect(
        await jsonpath('vm', 'platform', 'bastion', '{.spec.runStrategy}'),
      ).toBe('Halted');
      sim.setStageDelay(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vm',
          'platform',
          'bastion',
          '{.spec.runStrategy} {.status.printableStatus}|{.status.stateChangeRequests}',
        ),
      ).toBe('Always Running|');
      expect(
        await jsonpath('vmi', 'platform', 'bastion', '{.metadata.uid}'),
      ).not.toBe(before);
    });
  });

  describe('Manual and RerunOnFailure (stop and start through requests)', () => {
    it('Manual: starts on a start, keeps running, and a stop sent during a restart keeps it stopped', async () => {
      expect(
        (await k.apply('manual.yaml', vmYaml('manual-vm', 'Manual'))).code,
      ).toBe(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vm',
          'payments',
          'manual-vm',
          '{.status.printableStatus}',
        ),
      ).toBe('Stopped');
      expect(
        (await sub('payments', 'virtualmachines', 'manual-vm', 'start')).code,
      ).toBe(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vm',
          'payments',
          'manual-vm',
          '{.status.printableStatus}|{.status.stateChangeRequests}',
        ),
      ).toBe('Running|');
      expect(
        await jsonpath('vmi', 'payments', 'manual-vm', '{.status.phase}'),
      ).toBe('Running');

      sim.setStageDelay(8000);
      expect(
        (await sub('payments', 'virtualmachines', 'manual-vm', 'restart')).code,
      ).toBe(0);
      // the old VMI is being deleted; a stop replaces the queued requests with itself
      expect(
        (await sub('payments', 'virtualmachines', 'manual-vm', 'stop')).code,
      ).toBe(0);
      expect(
        await jsonpath(
          'vm',
          'payments',
          'manual-vm',
          '{.status.stateChangeRequests[*].action}',
        ),
      ).toBe('Stop');
      sim.setStageDelay(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vm',
          'payments',
          'manual-vm',
          '{.spec.runStrategy} {.status.printableStatus}|{.status.stateChangeRequests}',
        ),
      ).toBe('Manual Stopped|');
      expect(
        (await kubectl('get', 'vmi', 'manual-vm', '-n', 'payments')).stderr,
      ).toContain('NotFound');
    });

    it('RerunOnFailure: a stop keeps it stopped, a start starts it, a stop while it starts stops it', async () => {
      expect(
        (await k.apply('rerun.yaml', vmYaml('rerun-vm', 'RerunOnFailure')))
          .code,
      ).toBe(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vm',
          'payments',
          'rerun-vm',
          '{.status.printableStatus} {.status.runStrategy}',
        ),
      ).toBe('Running RerunOnFailure');
      expect(
        (await sub('payments', 'virtualmachines', 'rerun-vm', 'stop')).code,
      ).toBe(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vm',
          'payments',
          'rerun-vm',
          '{.status.printableStatus}|{.status.stateChangeRequests}',
        ),
      ).toBe('Stopped|');

      sim.setStageDelay(3000);
      expect(
        (await sub('payments', 'virtualmachines', 'rerun-vm', 'start')).code,
      ).toBe(0);
      await until(
        () => jsonpath('vmi', 'payments', 'rerun-vm', '{.status.phase}'),
        p => p === 'Pending',
        'a new VMI',
      );
      expect(
        await jsonpath(
          'vm',
          'payments',
          'rerun-vm',
          '{.status.printableStatus}',
        ),
      ).toBe('Starting');
      expect(
        (await sub('payments', 'virtualmachines', 'rerun-vm', 'stop')).code,
      ).toBe(0);
      sim.setStageDelay(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vm',
          'payments',
          'rerun-vm',
          '{.status.printableStatus}|{.status.stateChangeRequests}',
        ),
      ).toBe('Stopped|');
      expect(
        (await kubectl('get', 'vmi', 'rerun-vm', '-n', 'payments')).stderr,
      ).toContain('NotFound');
    });
  });

  describe('migrations', () => {
    it('a migration deleted before the target took over fails at once and goes away; the VM is Running again', async () => {
      sim.setStageDelay(5000); // the migration waits in Pending
      expect(
        (await sub('data', 'virtualmachines', 'search-indexer-0', 'migrate'))
          .code,
      ).toBe(0);
      const name = await migrationOf('data', 'search-indexer-0');
      expect(
        await jsonpath(
          'vmim',
          'data',
          name,
          '{.status.phase} {.metadata.finalizers}',
        ),
      ).toBe('Pending ["kubevirt.io/migrationJobFinalize"]');
      const started = Date.now();
      // kubectl delete waits until the object is gone, finalizer and all
      const deleted = await kubectl(
        'delete',
        'vmim',
        name,
        '-n',
        'data',
        '--timeout=20s',
      );
      expect(deleted.code).toBe(0);
      expect(deleted.stdout).toContain(
        `virtualmachineinstancemigration.kubevirt.io "${name}" deleted`,
      );
      expect(Date.now() - started).toBeLessThan(5000);
      expect(
        (await kubectl('get', 'vmim', name, '-n', 'data')).stderr,
      ).toContain('NotFound');
      expect(await events('data', name)).toContain(
        'FailedMigration: Migration failed due to being canceled',
      );
      expect(
        await jsonpath(
          'vm',
          'data',
          'search-indexer-0',
          '{.status.printableStatus}',
        ),
      ).toBe('Running');
      expect(
        await jsonpath(
          'vmi',
          'data',
          'search-indexer-0',
          '{.status.migrationState}',
        ),
      ).toBe('');
    });

    it('a migration deleted after the hand-off is aborted: the VMI says so, the VM stays on its node and Running', async () => {
      sim.setStageDelay(3000);
      const node = await jsonpath(
        'vmi',
        'orders',
        'orders-worker-1',
        '{.status.nodeName}',
      );
      expect(
        (await sub('orders', 'virtualmachines', 'orders-worker-1', 'migrate'))
          .code,
      ).toBe(0);
      const name = await migrationOf('orders', 'orders-worker-1');
      await until(
        () => jsonpath('vmim', 'orders', name, '{.status.phase}'),
        handedOff,
        'migration handed off',
      );
      expect(
        await jsonpath(
          'vm',
          'orders',
          'orders-worker-1',
          '{.status.printableStatus}',
        ),
      ).toBe('Migrating');
      const deleted = await kubectl(
        'delete',
        'vmim',
        name,
        '-n',
        'orders',
        '--timeout=20s',
      );
      expect(deleted.code).toBe(0);
      expect(
        (await kubectl('get', 'vmim', name, '-n', 'orders')).stderr,
      ).toContain('NotFound');
      const state = JSON.parse(
        await jsonpath(
          'vmi',
          'orders',
          'orders-worker-1',
          '{.status.migrationState}',
        ),
      );
      expect(state).toMatchObject({
        sourceNode: node,
        abortRequested: true,
        abortStatus: 'Succeeded',
        failed: true,
        completed: true,
        failureReason: 'Live migration has been aborted',
      });
      expect(
        await jsonpath(
          'vmi',
          'orders',
          'orders-worker-1',
          '{.status.nodeName}',
        ),
      ).toBe(node);
      expect(
        await jsonpath(
          'vm',
          'orders',
          'orders-worker-1',
          '{.status.printableStatus}',
        ),
      ).toBe('Running');
      const migrationEvents = await events('orders', name);
      expect(migrationEvents).toContain(
        'SuccessfulAbortMigration: Migration is ready to be canceled by virt-handler.',
      );
      expect(migrationEvents).toContain(
        'FailedMigration: source node reported migration failed',
      );
      expect(await events('orders', 'orders-worker-1')).toContain(
        `Migrated: VirtualMachineInstance migration uid ${state.migrationUid} failed. reason:Live migration has been aborted`,
      );
    });

    it('a restart during a migration fails the migration and brings up a new VMI', async () => {
      sim.setStageDelay(3000);
      const before = await jsonpath(
        'vmi',
        'payments',
        'payments-db-1',
        '{.metadata.uid}',
      );
      expect(
        (await sub('payments', 'virtualmachines', 'payments-db-1', 'migrate'))
          .code,
      ).toBe(0);
      const name = await migrationOf('payments', 'payments-db-1');
      await until(
        () => jsonpath('vmim', 'payments', name, '{.status.phase}'),
        handedOff,
        'migration handed off',
      );
      expect(
        (await sub('payments', 'virtualmachines', 'payments-db-1', 'restart'))
          .code,
      ).toBe(0);
      sim.setStageDelay(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vmim',
          'payments',
          name,
          '{.status.phase}|{.metadata.finalizers}',
        ),
      ).toBe('Failed|');
      expect(await events('payments', name)).toContain(
        'FailedMigration: Migration failed vmi shutdown during migration.',
      );
      expect(
        await jsonpath(
          'vm',
          'payments',
          'payments-db-1',
          '{.status.printableStatus}|{.status.stateChangeRequests}',
        ),
      ).toBe('Running|');
      expect(
        await jsonpath(
          'vmi',
          'payments',
          'payments-db-1',
          '{.metadata.uid} {.status.phase}|{.status.migrationState}',
        ),
      ).toMatch(/^\S+ Running\|$/);
      expect(
        await jsonpath('vmi', 'payments', 'payments-db-1', '{.metadata.uid}'),
      ).not.toBe(before);
      // a finished migration is deleted at once
      expect(
        (
          await kubectl(
            'delete',
            'vmim',
            name,
            '-n',
            'payments',
            '--timeout=10s',
          )
        ).code,
      ).toBe(0);
    });

    it('a migration created with kubectl create carries the finalizer until it succeeds, then keeps the VMI state', async () => {
      const manifest = k.file(
        'vmim.yaml',
        `apiVersion: kubevirt.io/v1
kind: VirtualMachineInstanceMigration
metadata: {name: move-worker-1, namespace: orders}
spec: {vmiName: orders-worker-1}
`,
      );
      sim.setStageDelay(1000); // six steps to Succeeded
      expect((await kubectl('create', '-f', manifest)).code).toBe(0);
      expect(
        await jsonpath(
          'vmim',
          'orders',
          'move-worker-1',
          '{.metadata.finalizers}',
        ),
      ).toBe('["kubevirt.io/migrationJobFinalize"]');
      sim.setStageDelay(0);
      await sim.settled();
      expect(
        await jsonpath(
          'vmim',
          'orders',
          'move-worker-1',
          '{.status.phase}|{.metadata.finalizers}|{.status.migrationState.completed}',
        ),
      ).toBe('Succeeded||true');
    });
  });

  describe('pause and unpause answer as virt-api does', () => {
    it('no VMI is 404 whether the VM is stopped or missing; a VMI that is not Running is 409', async () => {
      for (const action of ['pause', 'unpause']) {
        const stopped = await sub(
          'payments',
          'virtualmachineinstances',
          'payments-batch',
          action,
        );
        expect(stopped.code).toBe(1);
        expect(stopped.stderr).toContain(
          'Error from server (NotFound): virtualmachineinstance.kubevirt.io "payments-batch" not found',
        );
        expect(
          (
            await sub(
              'payments',
              'virtualmachineinstances',
              'no-such-vm',
              action,
            )
          ).stderr,
        ).toContain(
          'Error from server (NotFound): virtualmachineinstance.kubevirt.io "no-such-vm" not found',
        );
      }
      // orders-legacy cannot be scheduled: its VMI exists and stays in Scheduling
      expect(
        (
          await sub(
            'orders',
            'virtualmachineinstances',
            'orders-legacy',
            'pause',
          )
        ).stderr,
      ).toContain(
        'Error from server (Conflict): Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "orders-legacy": VM is not running',
      );
      expect(
        (
          await sub(
            'orders',
            'virtualmachineinstances',
            'orders-legacy',
            'unpause',
          )
        ).stderr,
      ).toContain(
        'Error from server (Conflict): Operation cannot be fulfilled on virtualmachineinstance.kubevirt.io "orders-legacy": VMI is not running',
      );
    });

    it('unpause looks at a snapshot in progress before it looks for the VMI', async () => {
      const patch = (value: string) =>
        kubectl(
          'patch',
          'vm',
          'payments-batch',
          '-n',
          'payments',
          '--subresource=status',
          '--type=merge',
          '-p',
          `{"status":{"snapshotInProgress":${value}}}`,
        );
      expect((await patch('"before-upgrade"')).code).toBe(0);
      const unpause = await sub(
        'payments',
        'virtualmachineinstances',
        'payments-batch',
        'unpause',
      );
      expect(unpause.stderr).toContain(
        'Error from server (Conflict): Operation cannot be fulfilled on virtualmachine.kubevirt.io "payments-batch": VM snapshot is in progress',
      );
      expect((await patch('null')).code).toBe(0);
    });

    it('refuses to pause a VMI with a liveness probe other than the guest agent ping', async () => {
      const probed =
        '{domain: {devices: {}}, livenessProbe: {httpGet: {port: 1500}, initialDelaySeconds: 120}}';
      expect(
        (await k.apply('probed.yaml', vmYaml('probed-vm', 'Always', probed)))
          .code,
      ).toBe(0);
      await sim.settled();
      const pause = await sub(
        'payments',
        'virtualmachineinstances',
        'probed-vm',
        'pause',
      );
      expect(pause.code).toBe(1);
      expect(pause.stderr).toContain(
        'Error from server (Forbidden): virtualmachineinstance.kubevirt.io "probed-vm" is forbidden: Pausing VMIs with a non-GuestAgentPing LivenessProbe is not supported',
      );
    });
  });
});
