import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { ActiveViewers, ANONYMOUS_SIGNALS_USER } from './ActiveViewers';

const user = (ref: string, expiresAt?: Date): BackstageCredentials =>
  ({
    ...mockCredentials.user(ref),
    ...(expiresAt ? { expiresAt } : {}),
  } as BackstageCredentials);

const allowAll = () => true;

describe('ActiveViewers', () => {
  let clock = 0;
  const decisions = new Map<string, PolicyDecision | Error>();
  const asked: string[] = [];
  const permissions = mockServices.permissions.mock({
    authorizeConditional: async (queries: unknown[], options: any) => {
      const ref = options.credentials.principal.userEntityRef;
      asked.push(ref);
      const decision = decisions.get(ref) ?? { result: AuthorizeResult.DENY };
      if (decision instanceof Error) throw decision;
      return queries.map(() => decision);
    },
  } as any);
  const viewers = () =>
    new ActiveViewers({
      permissions,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      refreshMs: 60_000,
      idleMs: 3_600_000,
      now: () => clock,
    });

  beforeEach(() => {
    clock = 1_000_000;
    decisions.clear();
    asked.length = 0;
  });

  it('knows a user from their first request, with one decision for many requests', async () => {
    decisions.set('user:default/jane', { result: AuthorizeResult.ALLOW });
    const v = viewers();
    await v.seen(user('user:default/jane'));
    await v.seen(user('user:default/jane'));
    expect(v.readersOf({}, allowAll)).toEqual(['user:default/jane']);
    expect(asked).toEqual(['user:default/jane']);
  });

  it('never counts services, the anonymous signals identity or users without read', async () => {
    decisions.set(ANONYMOUS_SIGNALS_USER, { result: AuthorizeResult.ALLOW });
    const v = viewers();
    await v.seen(mockCredentials.service('plugin:catalog'));
    await v.seen(mockCredentials.none());
    await v.seen(user(ANONYMOUS_SIGNALS_USER));
    await v.seen(user('user:default/nobody'));
    expect(v.readersOf({}, allowAll)).toEqual([]);
  });

  it('evaluates conditional decisions locally, each distinct decision once per change', async () => {
    const owned = (group: string): PolicyDecision => ({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'kubevirt',
      resourceType: 'kubevirt-vm',
      conditions: {
        rule: 'IS_OWNED_BY',
        resourceType: 'kubevirt-vm',
        params: { owners: [group] },
      },
    });
    decisions.set('user:default/a', owned('group:default/payments'));
    decisions.set('user:default/b', owned('group:default/payments'));
    decisions.set('user:default/c', owned('group:default/orders'));
    const v = viewers();
    for (const u of ['a', 'b', 'c']) await v.seen(user(`user:default/${u}`));
    const matches = jest.fn(
      (d: PolicyDecision, vm: { owners: string[] }) =>
        d.result === AuthorizeResult.CONDITIONAL &&
        vm.owners.includes((d.conditions as any).params.owners[0]),
    );
    expect(
      v.readersOf({ owners: ['group:default/payments'] }, matches),
    ).toEqual(['user:default/a', 'user:default/b']);
    expect(matches).toHaveBeenCalledTimes(2);
  });

  it('asks again after the refresh interval, and forgets a user whose decision cannot be had', async () => {
    decisions.set('user:default/jane', { result: AuthorizeResult.ALLOW });
    const v = viewers();
    await v.seen(user('user:default/jane'));
    clock += 30_000;
    await v.sweep();
    expect(asked).toHaveLength(1);
    decisions.set('user:default/jane', { result: AuthorizeResult.DENY });
    clock += 31_000;
    await v.sweep();
    expect(asked).toHaveLength(2);
    expect(v.readersOf({}, allowAll)).toEqual([]);

    decisions.set('user:default/jane', new Error('token expired'));
    clock += 61_000;
    await v.sweep();
    expect(v.size).toBe(0);
  });

  it('forgets a user when their token expires or after an hour without a request', async () => {
    decisions.set('user:default/short', { result: AuthorizeResult.ALLOW });
    decisions.set('user:default/idle', { result: AuthorizeResult.ALLOW });
    const v = viewers();
    await v.seen(user('user:default/short', new Date(clock + 10_000)));
    await v.seen(user('user:default/idle'));
    clock += 10_000;
    // expired: no recipient at once, without waiting for a sweep
    expect(v.readersOf({}, allowAll)).toEqual(['user:default/idle']);
    clock += 3_600_000;
    expect(v.readersOf({}, allowAll)).toEqual([]);
    await v.sweep();
    expect(v.size).toBe(0);
  });

  it('keeps the newest token of a user for refreshes', async () => {
    decisions.set('user:default/jane', { result: AuthorizeResult.ALLOW });
    const v = viewers();
    await v.seen(user('user:default/jane', new Date(clock + 1000)));
    await v.seen(user('user:default/jane', new Date(clock + 3_600_000)));
    clock += 2000;
    expect(v.readersOf({}, allowAll)).toEqual(['user:default/jane']);
  });
});
