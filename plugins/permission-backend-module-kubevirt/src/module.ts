import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { PermissionPolicy } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { readKubevirtRolesConfig } from './config';
import { kubevirtPolicyDelegateExtensionPoint } from './extensions';
import { KubevirtPolicy } from './KubevirtPolicy';

/**
 * The permission policy of the portal: VM roles from `kubevirt.roles`, the
 * Kubernetes plugin's permissions as part of them (`kubevirt.roles.kubernetesPlugin`),
 * every other permission delegated (allow-all unless a module sets a delegate).
 *
 * @public
 */
export const permissionModuleKubevirtPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'kubevirt-policy',
  register(reg) {
    let delegate: PermissionPolicy | undefined;
    reg.registerExtensionPoint(kubevirtPolicyDelegateExtensionPoint, {
      setDelegate(policy) {
        if (delegate)
          throw new Error('The KubeVirt policy delegate is already set');
        delegate = policy;
      },
    });
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
        logger: coreServices.logger,
      },
      async init({ policy, config, userInfo, logger }) {
        const roles = readKubevirtRolesConfig(config);
        logger.info(
          `KubeVirt VM roles: ${
            roles.bindings.length
          } binding(s), default role ${
            roles.defaultBinding?.role ?? 'none'
          }; ` +
            `other permissions ${
              delegate ? 'go to the configured delegate' : 'are allowed'
            }`,
        );
        const kubernetesPlugin = roles.kubernetesPlugin;
        if (kubernetesPlugin?.ignoreVmRoles) {
          logger.warn(
            "kubevirt.roles.kubernetesPlugin.ignoreVmRoles is true: the Kubernetes plugin's permissions " +
              `(kubernetes.proxy, kubernetes.resources.read) ${
                delegate
                  ? 'go to the configured delegate'
                  : 'are allowed to everyone'
              }, ` +
              'so its proxy can read and change VMs and Secrets with the cluster credentials whatever the VM roles say',
          );
        } else {
          logger.info(
            `Kubernetes plugin: proxy for ${
              kubernetesPlugin?.proxy.length ?? 0
            } subject(s) ` +
              `(kubevirt.roles.kubernetesPlugin.proxy), object reads for holders of a VM role with scope all ` +
              `and ${
                kubernetesPlugin?.resourcesRead.length ?? 0
              } more subject(s) (kubevirt.roles.kubernetesPlugin.resourcesRead)`,
          );
        }
        policy.setPolicy(new KubevirtPolicy({ roles, userInfo, delegate }));
      },
    });
  },
});
