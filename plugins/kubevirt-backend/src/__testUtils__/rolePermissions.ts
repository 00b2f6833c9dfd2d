import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  isVmRole,
  vmRolePermissions,
} from '@kubevirt-backstage/plugin-kubevirt-common';

/**
 * Permissions as the VM role table grants them, unconditionally:
 * `user:default/<role>` holds that role on every VM, any other user none.
 */
export const rolePermissions = () => {
  const decide = (request: any, options: any) => {
    const user: string = options.credentials.principal?.userEntityRef ?? '';
    const role = user.replace('user:default/', '');
    return {
      result:
        isVmRole(role) &&
        vmRolePermissions[role].some(p => p.name === request.permission.name)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    };
  };
  return mockServices.permissions.mock({
    authorize: async (requests: any[], options: any) =>
      requests.map(r => decide(r, options)),
    authorizeConditional: async (requests: any[], options: any) =>
      requests.map(r => decide(r, options)),
  });
};

/** The Authorization header of a user holding `role` (or no role at all). */
export const asRole = (role: string) =>
  mockCredentials.user.header(`user:default/${role}`);
