import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import { kubevirtFields } from './fields';

const field = (key: keyof typeof kubevirtFields, name: string) =>
  FormFieldBlueprint.make({
    name,
    params: {
      field: async () =>
        createFormField(
          kubevirtFields[key] as Parameters<typeof createFormField>[0],
        ),
    },
  });

/**
 * The KubeVirt pickers for template forms (new frontend system): a module of
 * the scaffolder plugin. Install it next to the kubevirt plugin, e.g.
 * `createApp({ features: [kubevirtScaffolderModule] })`.
 */
export const kubevirtScaffolderModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [
    field('cluster', 'kubevirt-cluster-picker'),
    field('namespace', 'kubevirt-namespace-picker'),
    field('instancetype', 'kubevirt-instancetype-picker'),
    field('goldenImage', 'kubevirt-golden-image-picker'),
  ],
});
