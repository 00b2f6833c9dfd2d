import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import permissionPlugin from '@backstage/plugin-permission-backend';
import {
  kubevirtActionsPermission,
  vmReadPermission,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import request from 'supertest';
import { user, userInfoFromEntities } from './__testUtils__/testBackend';
import { kubevirtPolicyDelegateExtensionPoint } from './extensions';
import { permissionModuleKubevirtPolicy } from './module';

const catalogRead = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
});
const roles = {
  bindings: [{ subjects: ['group:default/ops'], role: 'vm-viewer' }],
};

const start = (extra: any[] = [], config: object = { kubevirt: { roles } }) =>
  startTestBackend({
    features: [
      permissionPlugin,
      permissionModuleKubevirtPolicy,
      userInfoFromEntities([user('user:default/amy', ['group:default/ops'])]),
      mockServices.rootConfig.factory({
        data: { permission: { enabled: true }, ...config },
      }),
      ...extra,
    ],
  });

const authorize = (server: any, permission: object, who = 'user:default/amy') =>
  request(server)
    .post('/api/permission/authorize')
    .set('Authorization', mockCredentials.user.header(who))
    .send({ items: [{ id: '1', permission }] })
    .expect(200)
    .then(res => res.body.items[0].result);

describe('permissionModuleKubevirtPolicy', () => {
  it('is the permission backend’s policy: VM roles from config, everything else allowed', async () => {
    const { server } = await start();
    await expect(authorize(server, catalogRead)).resolves.toBe(
      AuthorizeResult.ALLOW,
    );
    await expect(authorize(server, kubevirtActionsPermission)).resolves.toBe(
      AuthorizeResult.ALLOW,
    );
    // the VM tools are listed only to holders of some VM role
    await expect(
      authorize(server, kubevirtActionsPermission, 'user:default/zed'),
    ).resolves.toBe(AuthorizeResult.DENY);
    await expect(
      authorize(server, catalogRead, 'user:default/zed'),
    ).resolves.toBe(AuthorizeResult.ALLOW);
    // a resource permission from a user needs a resourceRef: the answer then comes from the broker's rules (not here)
    await request(server)
      .post('/api/permission/authorize')
      .set('Authorization', mockCredentials.user.header('user:default/amy'))
      .send({ items: [{ id: '1', permission: vmReadPermission }] })
      .expect(400);
  });

  it('hands non-VM permissions to a delegate another module sets', async () => {
    const denyAll = createBackendModule({
      pluginId: 'permission',
      moduleId: 'deny-all-delegate',
      register(reg) {
        reg.registerInit({
          deps: { delegate: kubevirtPolicyDelegateExtensionPoint },
          async init({ delegate }) {
            delegate.setDelegate({
              handle: async () => ({ result: AuthorizeResult.DENY }),
            });
          },
        });
      },
    });
    const { server } = await start([denyAll]);
    await expect(authorize(server, catalogRead)).resolves.toBe(
      AuthorizeResult.DENY,
    );
    // VM permissions stay with the roles
    await expect(authorize(server, kubevirtActionsPermission)).resolves.toBe(
      AuthorizeResult.ALLOW,
    );
  });

  it('refuses to start on a bad binding, naming it', async () => {
    await expect(
      start([], {
        kubevirt: {
          roles: {
            bindings: [
              roles.bindings[0],
              { subjects: ['group:default/x'], role: 'vm-root' },
            ],
          },
        },
      }),
    ).rejects.toThrow(
      /Invalid kubevirt\.roles\.bindings\[1\] \(subjects group:default\/x\): role: unknown role "vm-root"/,
    );
  });

  it('answers the Kubernetes plugin’s permissions itself: no proxy without a grant, and refuses a bad grant at startup', async () => {
    const proxy = createPermission({
      name: 'kubernetes.proxy',
      attributes: {},
    });
    const { server } = await start([], {
      kubevirt: {
        roles: { ...roles, kubernetesPlugin: { proxy: ['user:default/amy'] } },
      },
    });
    await expect(authorize(server, proxy)).resolves.toBe(AuthorizeResult.ALLOW);
    await expect(authorize(server, proxy, 'user:default/zed')).resolves.toBe(
      AuthorizeResult.DENY,
    );
    await expect(
      start([], {
        kubevirt: {
          roles: { ...roles, kubernetesPlugin: { proxy: 'group:default/ops' } },
        },
      }),
    ).rejects.toThrow(
      /Invalid kubevirt\.roles\.kubernetesPlugin\.proxy: expected a list/,
    );
  });
});
