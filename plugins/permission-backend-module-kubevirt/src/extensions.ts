import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { PermissionPolicy } from '@backstage/plugin-permission-node';

/**
 * Lets another `permission` module answer the permissions that are not
 * KubeVirt ones (an RBAC or custom policy) while this module keeps the VM roles.
 *
 * @public
 */
export interface KubevirtPolicyDelegateExtensionPoint {
  /** The policy for every non-KubeVirt permission; allow-all when nobody sets one. */
  setDelegate(policy: PermissionPolicy): void;
}

/** @public */
export const kubevirtPolicyDelegateExtensionPoint =
  createExtensionPoint<KubevirtPolicyDelegateExtensionPoint>({
    id: 'permission.kubevirt-policy.delegate',
  });
