import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  kubevirtPermissions,
  vmCreatePermission,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import {
  KubevirtVmResource,
  kubevirtNamespaceResourceRef,
  kubevirtNamespaceRules,
  kubevirtVmResourceRef,
  kubevirtVmRules,
  parseNamespaceResourceRef,
  parseVmResourceRef,
} from '@kubevirt-backstage/plugin-kubevirt-node';

/**
 * The broker's two permission resource types: the VM (every VM permission but
 * create, with the VM rules) and the namespace (create, decided on
 * `<cluster>/<namespace>` before the VM exists). Returns the VM ruleset, which
 * exists only once the type is registered.
 */
export function registerResourceTypes(options: {
  permissionsRegistry: PermissionsRegistryService;
  /** The permission-rule view of a VM, or undefined when there is no such VM. */
  vmResource: (ref: {
    cluster: string;
    namespace: string;
    name: string;
  }) => Promise<KubevirtVmResource | undefined>;
  hasCluster: (name: string) => boolean;
}) {
  const { permissionsRegistry, vmResource, hasCluster } = options;
  permissionsRegistry.addResourceType({
    resourceRef: kubevirtVmResourceRef,
    permissions: kubevirtPermissions.filter(p => p !== vmCreatePermission),
    rules: Object.values(kubevirtVmRules),
    getResources: async refs =>
      Promise.all(
        refs.map(async ref => {
          const parsed = parseVmResourceRef(ref);
          return parsed ? vmResource(parsed) : undefined;
        }),
      ),
  });
  permissionsRegistry.addResourceType({
    resourceRef: kubevirtNamespaceResourceRef,
    permissions: [vmCreatePermission],
    rules: Object.values(kubevirtNamespaceRules),
    getResources: async refs =>
      refs.map(ref => {
        const parsed = parseNamespaceResourceRef(ref);
        return parsed && hasCluster(parsed.cluster) ? parsed : undefined;
      }),
  });
  return permissionsRegistry.getPermissionRuleset(kubevirtVmResourceRef);
}
