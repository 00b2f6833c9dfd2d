import {
  nodeMaintenancePermission,
  vmCreatePermission,
  VmOperation,
  vmOperationPermissions,
  vmRolePermissions,
  vmRoles,
} from '@kubevirt-backstage/plugin-kubevirt-common';

/** The operations each permission guards; create has its own (namespace) permission, node maintenance its own (basic) one. */
function operationsOf(permissionName: string): string[] {
  if (permissionName === vmCreatePermission.name) return ['create'];
  if (permissionName === nodeMaintenancePermission.name)
    return ['nodeMaintenance'];
  return (Object.keys(vmOperationPermissions) as VmOperation[]).filter(
    op => vmOperationPermissions[op].name === permissionName,
  );
}

/**
 * The README's role table, from the role table in code: one row per role,
 * with every permission it grants and the operations they allow.
 */
export function renderRoleTable(): string {
  const rows = vmRoles.map(role => {
    const names = vmRolePermissions[role].map(p => p.name);
    const permissions = names.map(n => `\`${n}\``).join(', ');
    const operations = names.flatMap(operationsOf).join(', ');
    return `| \`${role}\` | ${permissions} | ${operations} |`;
  });
  return [
    '| Role | Permissions | Operations |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}
