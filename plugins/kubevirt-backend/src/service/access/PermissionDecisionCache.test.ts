import { mockCredentials } from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { vmOperationPermissions } from '@kubevirt-backstage/plugin-kubevirt-common';
import { PermissionDecisionCache } from './PermissionDecisionCache';

const read = vmOperationPermissions.read.name;

/**
 * A permission service whose answer depends on who asks and on their groups
 * at the time of asking (as the KubeVirt policy's does): members of
 * group:default/readers may read, everyone else may not.
 */
function setup(ttlMs = 10_000) {
  const groups = new Map<string, string[]>();
  const asked: string[] = [];
  let clock = 0;
  const authorizeConditional = jest.fn(
    async (
      requests: { permission: unknown }[],
      { credentials }: { credentials: BackstageCredentials },
    ) => {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      asked.push(ref);
      const result = (groups.get(ref) ?? []).includes('group:default/readers')
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY;
      return requests.map(() => ({ result }));
    },
  );
  const cache = new PermissionDecisionCache({
    permissions: { authorizeConditional } as unknown as PermissionsService,
    userInfo: {
      async getUserInfo(credentials) {
        const userEntityRef = (
          credentials.principal as { userEntityRef: string }
        ).userEntityRef;
        return {
          userEntityRef,
          ownershipEntityRefs: [
            userEntityRef,
            ...(groups.get(userEntityRef) ?? []),
          ],
        };
      },
    },
    ttlMs,
    now: () => clock,
  });
  const readOf = async (ref: string) =>
    (await cache.decisions(mockCredentials.user(ref))).byPermission.get(read)
      ?.result;
  return {
    cache,
    groups,
    asked,
    readOf,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('PermissionDecisionCache', () => {
  it("never serves one principal's decisions to another", async () => {
    const { groups, readOf, asked } = setup();
    groups.set('user:default/alice', ['group:default/readers']);
    groups.set('user:default/bob', []);
    // interleaved and concurrent, as requests of two users arrive
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        readOf(i % 2 ? 'user:default/bob' : 'user:default/alice'),
      ),
    );
    answers.forEach((result, i) =>
      expect(result).toBe(i % 2 ? AuthorizeResult.DENY : AuthorizeResult.ALLOW),
    );
    // one batch each, shared by the concurrent requests of the same user
    expect(asked.sort()).toEqual(['user:default/alice', 'user:default/bob']);
  });

  it('decides again at once when the user’s groups change, without waiting for the TTL', async () => {
    const { groups, readOf, asked } = setup();
    groups.set('user:default/carol', []);
    expect(await readOf('user:default/carol')).toBe(AuthorizeResult.DENY);
    expect(await readOf('user:default/carol')).toBe(AuthorizeResult.DENY);
    expect(asked).toHaveLength(1);

    groups.set('user:default/carol', ['group:default/readers']);
    expect(await readOf('user:default/carol')).toBe(AuthorizeResult.ALLOW);
    // back in no group: the decision asked for that ownership (still fresh) answers
    groups.set('user:default/carol', []);
    expect(await readOf('user:default/carol')).toBe(AuthorizeResult.DENY);
    expect(asked).toHaveLength(2);
  });

  it('asks again once the TTL has passed (what the policy reads besides ownership)', async () => {
    const { readOf, asked, advance } = setup(10_000);
    await readOf('user:default/dave');
    advance(9_999);
    await readOf('user:default/dave');
    expect(asked).toHaveLength(1);
    advance(1);
    await readOf('user:default/dave');
    expect(asked).toHaveLength(2);
  });

  it('keeps no failed batch: the next request asks again', async () => {
    const { cache, readOf } = setup();
    const failing = cache as unknown as {
      options: { permissions: { authorizeConditional: jest.Mock } };
    };
    failing.options.permissions.authorizeConditional.mockRejectedValueOnce(
      new Error('permission backend down'),
    );
    await expect(readOf('user:default/erin')).rejects.toThrow(
      'permission backend down',
    );
    expect(await readOf('user:default/erin')).toBe(AuthorizeResult.DENY);
  });

  it('caches nothing with a TTL of 0', async () => {
    const { readOf, asked } = setup(0);
    await readOf('user:default/frank');
    await readOf('user:default/frank');
    expect(asked).toHaveLength(2);
  });

  it('keys service principals by subject', async () => {
    const authorizeConditional = jest.fn(async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    const cache = new PermissionDecisionCache({
      permissions: { authorizeConditional } as unknown as PermissionsService,
      ttlMs: 10_000,
    });
    await cache.decisions(mockCredentials.service('plugin:catalog'));
    await cache.decisions(mockCredentials.service('plugin:catalog'));
    await cache.decisions(mockCredentials.service('plugin:scaffolder'));
    expect(authorizeConditional).toHaveBeenCalledTimes(2);
    // users are not cached without a user info service to key their ownership on
    await cache.decisions(mockCredentials.user('user:default/gina'));
    await cache.decisions(mockCredentials.user('user:default/gina'));
    expect(authorizeConditional).toHaveBeenCalledTimes(4);
  });

  it('stays within its size, dropping the least recently asked', async () => {
    const authorizeConditional = jest.fn(async (requests: unknown[]) =>
      requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    );
    const cache = new PermissionDecisionCache({
      permissions: { authorizeConditional } as unknown as PermissionsService,
      ttlMs: 10_000,
      maxEntries: 3,
    });
    for (const s of ['a', 'b', 'c', 'd'])
      await cache.decisions(mockCredentials.service(`plugin:${s}`));
    expect(cache.size).toBe(3);
    await cache.decisions(mockCredentials.service('plugin:d'));
    expect(authorizeConditional).toHaveBeenCalledTimes(4);
    await cache.decisions(mockCredentials.service('plugin:a'));
    expect(authorizeConditional).toHaveBeenCalledTimes(5);
  });
});
