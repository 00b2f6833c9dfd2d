import { vmOperationPermissions } from './operations';
import { kubevirtPermissions, vmCreatePermission } from './permissions';
import {
  roleGrants,
  vmRolePermissions,
  vmRoles,
  weakestRoleFor,
} from './roles';

describe('VM role table', () => {
  it('grants each role everything the weaker role has', () => {
    for (let i = 1; i < vmRoles.length; i++) {
      const weaker = vmRolePermissions[vmRoles[i - 1]].map(p => p.name);
      const stronger = vmRolePermissions[vmRoles[i]].map(p => p.name);
      expect(stronger).toEqual(expect.arrayContaining(weaker));
      expect(stronger.length).toBeGreaterThan(weaker.length);
    }
  });

  it('matches the documented roles', () => {
    const names = (role: (typeof vmRoles)[number]) =>
      vmRolePermissions[role]
        .map(p => p.name.replace('kubevirt.vm.', '').replace('kubevirt.', ''))
        .sort();
    expect(names('vm-viewer')).toEqual(['read']);
    expect(names('vm-user')).toEqual(
      [
        'console',
        'pause',
        'power',
        'read',
        'restore',
        'snapshot',
        'update',
      ].sort(),
    );
    expect(names('vm-power-user')).toEqual(
      [...names('vm-user'), 'clone', 'migrate'].sort(),
    );
    expect(names('vm-admin')).toEqual(
      [
        ...names('vm-power-user'),
        'create',
        'delete',
        'node.maintenance',
      ].sort(),
    );
  });

  it('gives every permission to vm-admin and names the weakest role', () => {
    for (const permission of kubevirtPermissions) {
      expect(roleGrants('vm-admin', permission)).toBe(true);
    }
    expect(weakestRoleFor(vmOperationPermissions.read)).toBe('vm-viewer');
    expect(weakestRoleFor(vmOperationPermissions.start)).toBe('vm-user');
    expect(weakestRoleFor(vmOperationPermissions.migrate)).toBe(
      'vm-power-user',
    );
    expect(weakestRoleFor(vmOperationPermissions.delete)).toBe('vm-admin');
    expect(weakestRoleFor(vmCreatePermission)).toBe('vm-admin');
  });

  it('keeps permission names unique', () => {
    const names = kubevirtPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
