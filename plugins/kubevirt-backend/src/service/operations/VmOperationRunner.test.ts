import { ConflictError, NotAllowedError } from '@backstage/errors';
import { z } from 'zod';
import { KubernetesStatusError } from '../../clusters/ClusterClient';
import { VmAccess } from '../access/VmAccess';
import { AuditRequests } from '../AuditRequests';
import { VmOperationRunner } from './VmOperationRunner';

const ref = { cluster: 'east', namespace: 'payments', name: 'db-0' };
const credentials = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/ana' },
} as any;
const body = z.object({ size: z.string(), dryRun: z.boolean().optional() });

/** A runner whose access, audit and cluster say what happens, and in which order. */
function setup(options: { allow?: boolean; unavailable?: string } = {}) {
  const steps: string[] = [];
  const events: { eventId: string; meta: any; result?: string }[] = [];
  const cache = { name: 'east' };
  const access = {
    authorize: jest.fn(async () => {
      steps.push('authorize');
      if (options.allow === false) throw new NotAllowedError('no');
    }),
    authorizeCreate: jest.fn(async () => {
      steps.push('authorizeCreate');
    }),
    mustCluster: jest.fn(() => {
      steps.push('cluster');
      return cache;
    }),
    // what the VM's cluster can do (VmAccess.assertCapable over the capability registry)
    assertCapable: jest.fn(() => {
      steps.push('capable');
      if (options.unavailable)
        throw new ConflictError(
          `Cannot resizeDisk virtual machine payments/db-0: ${options.unavailable}`,
        );
    }),
    noteClusterRefusal: jest.fn(),
  } as unknown as VmAccess;
  const auditor = {
    createEvent: async ({ eventId, meta }: any) => {
      steps.push('audit');
      const event: (typeof events)[number] = { eventId, meta };
      events.push(event);
      return {
        success: async () => {
          event.result = 'success';
        },
        fail: async ({ error }: { error: Error }) => {
          event.result = `fail ${error.name}`;
        },
      };
    },
  } as any;
  const requests = {
    requestOf: async () => undefined,
  } as unknown as AuditRequests;
  const runner = new VmOperationRunner(access, auditor, requests);
  return { runner, steps, events, access, cache };
}

/** A resize whose body is invalid (size is a number). */
const resizeWithInvalidBody = (
  runner: VmOperationRunner,
  operation: () => Promise<unknown>,
) =>
  runner.run(
    {
      event: 'vm-disk-resize',
      ref,
      credentials,
      permission: 'resizeDisk',
      body: { schema: body, value: { size: 3 } },
    },
    operation,
  );

describe('VmOperationRunner', () => {
  it('audits, authorizes, validates the body, looks the cluster up, then runs the operation', async () => {
    const { runner, steps, events, cache } = setup();
    const result = await runner.run(
      {
        event: 'vm-disk-resize',
        ref,
        credentials,
        names: [['volume', 'data']],
        permission: 'resizeDisk',
        body: { schema: body, value: { size: '20Gi', dryRun: true } },
        meta: { volume: 'data' },
      },
      async context => {
        steps.push('operation');
        expect(context.cache).toBe(cache);
        return context.input.size;
      },
    );
    expect(result).toBe('20Gi');
    expect(steps).toEqual([
      'audit',
      'authorize',
      'capable',
      'cluster',
      'operation',
    ]);
    expect(events).toEqual([
      {
        eventId: 'vm-disk-resize',
        meta: {
          ...ref,
          actor: 'user:default/ana',
          dryRun: true,
          volume: 'data',
        },
        result: 'success',
      },
    ]);
  });

  it('refuses a name that is not one before asking for a permission (400, audited)', async () => {
    const { runner, access, events } = setup();
    const operation = jest.fn();
    await expect(
      runner.run(
        {
          event: 'vm-volume-remove',
          ref,
          credentials,
          names: [['volume', 'Not_A_Name']],
          permission: 'removeVolume',
        },
        operation,
      ),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(access.authorize).not.toHaveBeenCalled();
    expect(operation).not.toHaveBeenCalled();
    expect(events[0].result).toBe('fail InputError');
  });

  it('refuses (403) before validating the body, and nothing reaches the cluster', async () => {
    const { runner, access, events } = setup({ allow: false });
    const operation = jest.fn();
    await expect(
      resizeWithInvalidBody(runner, operation),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(access.mustCluster).not.toHaveBeenCalled();
    expect(operation).not.toHaveBeenCalled();
    expect(events[0].result).toBe('fail NotAllowedError');
  });

  it('refuses (409) what the cluster cannot perform after authorizing, before the body and any cluster call', async () => {
    const reason = 'cluster east has no ExpandDisks feature gate';
    const { runner, access, steps, events } = setup({ unavailable: reason });
    const operation = jest.fn();
    // the body is invalid too: the cluster's reason is what the caller needs to hear
    await expect(
      resizeWithInvalidBody(runner, operation),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(reason),
    });
    expect(steps).toEqual(['audit', 'authorize', 'capable']);
    expect(access.mustCluster).not.toHaveBeenCalled();
    expect(operation).not.toHaveBeenCalled();
    expect(events[0].result).toBe('fail ConflictError');
  });

  it('answers 400 naming the field for an invalid body of an allowed caller', async () => {
    const { runner, access } = setup();
    const operation = jest.fn();
    await expect(resizeWithInvalidBody(runner, operation)).rejects.toThrow(
      /size/,
    );
    expect(access.mustCluster).not.toHaveBeenCalled();
    expect(operation).not.toHaveBeenCalled();
  });

  it('decides a create on the namespace, and maps a cluster failure to the error naming the VM', async () => {
    const { runner, access, events } = setup();
    await expect(
      runner.run(
        {
          event: 'vm-create',
          ref,
          credentials,
          permission: 'create',
          body: { value: {} },
        },
        ({ call }) =>
          call(async () => {
            throw new KubernetesStatusError(
              409,
              { reason: 'AlreadyExists', message: 'exists' },
              'east',
            );
          }),
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: 'Virtual machine payments/db-0 on cluster east: exists',
    });
    expect(access.authorizeCreate).toHaveBeenCalledWith(ref, credentials);
    expect(access.authorize).not.toHaveBeenCalled();
    // a create has no VM operation to check against the cluster's capabilities
    expect(access.assertCapable).not.toHaveBeenCalled();
    // a cluster's refusal may mean its feature gates changed: the capabilities hear of it
    expect(access.noteClusterRefusal).toHaveBeenCalledWith(
      'east',
      expect.objectContaining({ name: 'ConflictError' }),
    );
    expect(events[0]).toMatchObject({
      eventId: 'vm-create',
      meta: { dryRun: false },
      result: 'fail ConflictError',
    });
  });
});
