import { createBackend } from '@backstage/backend-defaults';
import { clusterTokenCheck } from './modules/clusterTokenCheck';
import { oidcProviderCheck } from './modules/oidcProviderCheck';
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
backend.add(
  import('@kubevirt-backstage/plugin-scaffolder-backend-module-kubevirt'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider
// production sign-in: OpenID Connect, users resolved to catalog Users by email (app-config.production.yaml)
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));
backend.add(oidcProviderCheck);

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin, with the one policy: VM roles from kubevirt.roles, which
// also decide the Kubernetes plugin's proxy and object reads (it shares the
// clusters); every other permission is allowed, as allow-all did (README)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@kubevirt-backstage/plugin-permission-backend-module-kubevirt'),
);

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
backend.add(import('@kubevirt-backstage/plugin-kubevirt-backend'));
// refuses to start with a configured cluster it could not authenticate to
backend.add(clusterTokenCheck);
// KubeVirt VMs as catalog entities (catalog.providers.kubevirt)
backend.add(
  import('@kubevirt-backstage/plugin-catalog-backend-module-kubevirt'),
);

// embedded KubeVirt cluster for local use (off unless kubevirtSimulator.autostart)
backend.add(simulatorPlugin);

// a backend whose start failed exits, with the reason (Backstage logs it and keeps the process)
backend.start().catch(error => {
  process.stderr.write(`Backend startup failed: ${error}\n`);
  process.exit(1);
});
