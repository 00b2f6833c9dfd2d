import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Seeing the VM actions of Backstage's actions registry (the MCP tools). It is
 * a basic permission because the registry asks it without a resource; the
 * KubeVirt policy grants it to whoever holds any VM role, so the tools are
 * visible exactly to those who may read some VM. Every call is still decided
 * per VM by the operation's own permission.
 */
export const kubevirtActionsPermission = createPermission({
  name: 'kubevirt.actions.use',
  attributes: { action: 'read' },
});
