import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { kubevirtServiceRef } from '@kubevirt-backstage/plugin-kubevirt-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createVmCreateAction } from './actions/createVm';
import { createVmDeleteAction } from './actions/deleteVm';
import { createVmResourcesAction } from './actions/hotplugResources';
import { createRegisterLocalAction } from './actions/registerLocal';
import { createVmResizeDiskAction } from './actions/resizeDisk';
import { createVmSnapshotAction } from './actions/snapshotVm';
import { createVmActionAction } from './actions/vmAction';
import { createVmWaitAction } from './actions/waitVm';

const PLACEHOLDER = '_about.yaml';

/**
 * Scaffolder module: the kubevirt:vm:* actions, which reach VMs only through
 * the broker (kubevirtServiceRef) with the initiator's credentials, and
 * kubevirt:catalog:register-local for portals without a git host.
 *
 * @public
 */
export const scaffolderModuleKubevirt = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'kubevirt',
  register(reg) {
    reg.registerInit({
      deps: {
        actions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
        kubevirt: kubevirtServiceRef,
      },
      async init({ actions, config, logger, permissions, catalog, kubevirt }) {
        const appBaseUrl = config.getString('app.baseUrl');
        const configured = config.getOptionalString(
          'scaffolder.kubevirt.localCatalogDirectory',
        );
        // relative to the backend's working directory, as the catalog resolves file locations
        const directory = configured ? path.resolve(configured) : undefined;
        if (directory) {
          // the catalog's file location warns on every pass while its glob matches nothing
          await fs.mkdir(directory, { recursive: true });
          await fs
            .writeFile(
              path.join(directory, PLACEHOLDER),
              '# Entities registered by kubevirt:catalog:register-local land here.\n',
              { flag: 'wx' },
            )
            .catch(() => undefined);
          logger.info(`kubevirt:catalog:register-local writes to ${directory}`);
        }
        const deps = { kubevirt, catalog, appBaseUrl };
        actions.addActions(
          createVmCreateAction(deps),
          createVmActionAction(deps),
          createVmSnapshotAction(deps),
          createVmDeleteAction(deps),
          createVmWaitAction(deps),
          createVmResizeDiskAction(deps),
          createVmResourcesAction(deps),
          createRegisterLocalAction({ catalog, permissions, directory }),
        );
      },
    });
  },
});
