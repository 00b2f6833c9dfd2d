import { createBackend } from '@backstage/backend-defaults';
import { simulatorPlugin } from './modules/simulator';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// kubevirt:vm:* actions (through the broker, as the user) and kubevirt:catalog:register-local
backend.add(import('@internal/plugin-scaffolder-backend-module-kubevirt'));

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin, with the one policy: VM roles from kubevirt.roles; every
// other permission is allowed, as allow-all did (README, "VM roles")
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@internal/plugin-permission-backend-module-kubevirt'));

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// events bus (signals and the catalog subscribe to it), notifications and signals plugins
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// KubeVirt VM broker
backend.add(import('@internal/plugin-kubevirt-backend'));
// KubeVirt VMs as catalog entities (catalog.providers.kubevirt)
backend.add(import('@internal/plugin-catalog-backend-module-kubevirt'));

// embedded KubeVirt cluster for local use (off unless kubevirtSimulator.autostart)
backend.add(simulatorPlugin);

backend.start();
