import { ConfigReader } from '@backstage/config';
import { readKubevirtRolesConfig } from './config';

const read = (roles: unknown) => () =>
  readKubevirtRolesConfig(new ConfigReader({ kubevirt: { roles } } as any));

describe('readKubevirtRolesConfig', () => {
  it('normalizes subjects and scopes', () => {
    expect(
      read({
        bindings: [
          {
            subjects: ['group:Team-Payments', 'user:development/guest'],
            role: 'vm-power-user',
            scope: 'owned',
          },
          { subjects: ['group:default/platform'], role: 'vm-admin' },
          {
            subjects: ['group:default/data'],
            role: 'vm-user',
            scope: { clusters: ['east'], namespaces: ['data'] },
          },
        ],
        defaultRole: 'vm-viewer',
      })(),
    ).toEqual({
      bindings: [
        {
          subjects: ['group:default/team-payments', 'user:development/guest'],
          role: 'vm-power-user',
          scope: { owned: true },
        },
        { subjects: ['group:default/platform'], role: 'vm-admin', scope: {} },
        {
          subjects: ['group:default/data'],
          role: 'vm-user',
          scope: { owned: undefined, clusters: ['east'], namespaces: ['data'] },
        },
      ],
      defaultBinding: { role: 'vm-viewer', scope: {} },
    });
    expect(readKubevirtRolesConfig(new ConfigReader({}))).toEqual({
      bindings: [],
    });
  });

  it.each([
    [
      { bindings: [{ subjects: ['group:default/a'], role: 'vm-owner' }] },
      'kubevirt.roles.bindings[0] (subjects group:default/a): role: unknown role "vm-owner"; one of vm-viewer, vm-user, vm-power-user, vm-admin',
    ],
    [
      {
        bindings: [
          { subjects: ['group:default/a'], role: 'vm-user' },
          { subjects: ['team-b'], role: 'vm-user' },
        ],
      },
      'kubevirt.roles.bindings[1] (subjects team-b): subjects.0: subject "team-b" is not an entity ref',
    ],
    [
      { bindings: [{ subjects: ['component:default/x'], role: 'vm-user' }] },
      'subject "component:default/x" must be a user or group entity ref',
    ],
    [
      { bindings: [{ subjects: [], role: 'vm-user' }] },
      'kubevirt.roles.bindings[0] (subjects ): subjects: a binding needs at least one subject',
    ],
    [
      { bindings: [{ subjects: ['group:a'], role: 'vm-user', scope: 'mine' }] },
      'kubevirt.roles.bindings[0] (subjects group:a): scope: scope "mine" is not "all", "owned" or an object',
    ],
    [
      { bindings: [{ subjects: ['group:a'], role: 'vm-user', scope: {} }] },
      'a scope object needs at least one of owned: true, clusters or namespaces',
    ],
    [
      {
        bindings: [
          {
            subjects: ['group:a'],
            role: 'vm-user',
            scope: { cluster: ['east'] },
          },
        ],
      },
      'bindings[0] (subjects group:a): scope:',
    ],
    [
      {
        bindings: [
          { subjects: ['group:a'], role: 'vm-user', scope: { namespaces: [] } },
        ],
      },
      'bindings[0] (subjects group:a): scope',
    ],
    [
      { bindings: [{ subjects: ['group:a'], role: 'vm-user', extra: 1 }] },
      'bindings[0] (subjects group:a)',
    ],
    [
      { defaultRole: 'admin' },
      'Invalid kubevirt.roles.defaultRole: unknown role "admin"',
    ],
    [
      { defaultScope: 'owned' },
      'kubevirt.roles.defaultScope: it needs kubevirt.roles.defaultRole',
    ],
    [
      { bindings: { subjects: ['group:a'] } },
      'kubevirt.roles.bindings: expected a list of bindings',
    ],
  ])('rejects %j naming what is wrong', (roles, message) => {
    expect(read(roles)).toThrow(message);
  });
});
