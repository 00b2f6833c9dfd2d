import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { UserImpersonation } from './UserImpersonation';

const users = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default' },
    spec: { profile: { email: 'jane@example.com' } },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'guest', namespace: 'development' },
    spec: { profile: {} },
  },
];

describe('UserImpersonation', () => {
  const make = (impersonation?: object) =>
    UserImpersonation.fromConfig(
      new ConfigReader(impersonation ? { kubevirt: { impersonation } } : {}),
      {
        catalog: catalogServiceMock({ entities: users }),
        auth: mockServices.auth(),
        userInfo: mockServices.userInfo({
          ownershipEntityRefs: [
            'user:default/jane',
            'group:default/team-payments',
            'group:ops/oncall',
          ],
        }),
      },
    );

  it("names the user by the catalog User's email and the ownership groups with the prefix", async () => {
    const actor = make().actorFor(mockCredentials.user('user:default/jane'));
    expect(await actor()).toEqual({
      user: 'jane@example.com',
      groups: ['backstage:team-payments', 'backstage:ops/oncall'],
    });
  });

  it('names by name or entity ref, with another prefix, when configured', async () => {
    const credentials = mockCredentials.user('user:development/guest');
    expect(
      await make({ user: 'name', groupPrefix: 'idp:' }).actorFor(credentials)(),
    ).toEqual({
      user: 'guest',
      groups: ['idp:team-payments', 'idp:ops/oncall'],
    });
    expect(
      (await make({ user: 'entityRef' }).actorFor(credentials)())!.user,
    ).toBe('user:development/guest');
  });

  it('refuses a user without an email rather than acting as the broker', async () => {
    await expect(
      make().actorFor(mockCredentials.user('user:development/guest'))(),
    ).rejects.toThrow(/user:development\/guest has none/);
  });

  it('acts as the broker for a service', async () => {
    expect(await make().actorFor(mockCredentials.service())()).toBeUndefined();
  });

  it('refuses an unknown naming in config', () => {
    expect(() => make({ user: 'nickname' })).toThrow(
      'kubevirt.impersonation.user must be email, name or entityRef, not nickname',
    );
  });
});
