import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  ClusterStatus,
  GoldenImageOption,
  InstancetypeOption,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ComponentType, useState } from 'react';
import { kubevirtApiRef } from '../api';
import { KubevirtClusterPicker } from './KubevirtClusterPicker';
import { KubevirtGoldenImagePicker } from './KubevirtGoldenImagePicker';
import { KubevirtInstancetypePicker } from './KubevirtInstancetypePicker';
import { KubevirtNamespacePicker } from './KubevirtNamespacePicker';
import {
  validateCluster,
  validateGoldenImage,
  validateInstancetype,
  validateNamespace,
} from './validation';

const clusters: ClusterStatus[] = [
  { name: 'local-sim', title: 'Local KubeVirt (simulator)', state: 'synced' },
  { name: 'prod-east', state: 'not-synced', error: 'connect ECONNREFUSED' },
];
const namespacesOf: Record<string, string[]> = {
  'local-sim': ['payments', 'sandbox'],
  other: ['sandbox'],
  locked: [],
};
const instancetypes: InstancetypeOption[] = [
  { name: 'u1.large', scope: 'cluster', cpu: 2, memory: '8Gi' },
  { name: 'u1.medium', scope: 'cluster', cpu: 1, memory: '4Gi' },
  { name: 'u1.small', scope: 'cluster', cpu: 1, memory: '2Gi' },
  {
    name: 'team.gpu',
    scope: 'namespace',
    namespace: 'payments',
    cpu: 8,
    memory: '64Gi',
    displayName: 'GPU box',
  },
];
const images: GoldenImageOption[] = [
  {
    name: 'fedora',
    namespace: 'kubevirt-os-images',
    os: 'Fedora',
    ready: true,
    source: { type: 'pvc' },
    defaultPreference: 'fedora',
  },
  {
    name: 'centos-stream9',
    namespace: 'kubevirt-os-images',
    displayName: 'CentOS Stream 9',
    ready: false,
    source: { type: 'registry' },
  },
];

function fakeApi() {
  return {
    listClusters: jest.fn(async () => ({ items: clusters })),
    listNamespaces: jest.fn(async (cluster: string) => {
      if (cluster === 'broken')
        throw new Error('Request failed with 503 Service Unavailable');
      return { items: (namespacesOf[cluster] ?? []).map(name => ({ name })) };
    }),
    listInstancetypes: jest.fn(
      async (_cluster: string, options?: { namespace?: string }) => ({
        items: instancetypes.filter(
          t => t.scope === 'cluster' || t.namespace === options?.namespace,
        ),
      }),
    ),
    listGoldenImages: jest.fn(async () => ({ items: images })),
  };
}

/** Holds the field's value like rjsf does, and hands the rest of the form in as formContext.formData. */
function Field(props: {
  component: ComponentType<any>;
  title: string;
  initial?: string;
  form?: Record<string, string>;
  uiOptions?: object;
  onValue?: (v?: string) => void;
}) {
  const [value, setValue] = useState<string | undefined>(props.initial);
  const Component = props.component;
  return (
    <Component
      formData={value}
      onChange={(v?: string) => {
        setValue(v);
        props.onValue?.(v);
      }}
      schema={{ type: 'string', title: props.title }}
      uiSchema={{ 'ui:options': props.uiOptions ?? {} }}
      idSchema={{ $id: `root_${props.title.toLocaleLowerCase('en-US')}` }}
      formContext={{ formData: props.form ?? {} }}
      required
      rawErrors={[]}
    />
  );
}

async function renderField(
  api: ReturnType<typeof fakeApi>,
  field: Parameters<typeof Field>[0],
) {
  const onValue = jest.fn();
  const view = await renderInTestApp(
    <TestApiProvider apis={[[kubevirtApiRef, api as any]]}>
      <Field {...field} onValue={onValue} />
    </TestApiProvider>,
  );
  return { onValue, view };
}

const optionsOf = (label: string) =>
  within(screen.getByLabelText(new RegExp(`^${label}`))).getAllByRole('option');
const optionLabels = (label: string) =>
  optionsOf(label).map(o => o.textContent);

describe('KubevirtClusterPicker', () => {
  it('lists the clusters, picks the only usable one, and keeps an unreachable one unpickable', async () => {
    const api = fakeApi();
    const { onValue } = await renderField(api, {
      component: KubevirtClusterPicker,
      title: 'Cluster',
    });
    await waitFor(() => expect(onValue).toHaveBeenCalledWith('local-sim'));
    expect(optionLabels('Cluster')).toEqual([
      'Choose cluster',
      'Local KubeVirt (simulator) (local-sim)',
      'prod-east — not-synced',
    ]);
    expect(optionsOf('Cluster')[2]).toBeDisabled();
    expect(screen.getByLabelText(/^Cluster/)).toHaveValue('local-sim');
  });

  it('says when the chosen cluster does not exist', async () => {
    await renderField(fakeApi(), {
      component: KubevirtClusterPicker,
      title: 'Cluster',
      initial: 'gone',
    });
    expect(
      await screen.findByText('No cluster named gone'),
    ).toBeInTheDocument();
  });
});

describe('KubevirtNamespacePicker', () => {
  it('waits for a cluster before it lists anything', async () => {
    const api = fakeApi();
    await renderField(api, {
      component: KubevirtNamespacePicker,
      title: 'Namespace',
    });
    expect(screen.getByLabelText(/^Namespace/)).toBeDisabled();
    expect(optionLabels('Namespace')).toEqual(['Choose a cluster first']);
    expect(api.listNamespaces).not.toHaveBeenCalled();
  });

  it('lists only the namespaces where the user may create, as the broker answers for the chosen cluster', async () => {
    const api = fakeApi();
    const { onValue } = await renderField(api, {
      component: KubevirtNamespacePicker,
      title: 'Namespace',
      form: { cluster: 'local-sim' },
    });
    await waitFor(() =>
      expect(optionLabels('Namespace')).toEqual([
        'Choose namespace',
        'payments',
        'sandbox',
      ]),
    );
    expect(api.listNamespaces).toHaveBeenCalledWith('local-sim');
    await userEvent.selectOptions(
      screen.getByLabelText(/^Namespace/),
      'payments',
    );
    expect(onValue).toHaveBeenLastCalledWith('payments');
  });

  it('reads the cluster from the field ui:options.clusterField names', async () => {
    const api = fakeApi();
    await renderField(api, {
      component: KubevirtNamespacePicker,
      title: 'Namespace',
      form: { target: 'other' },
      uiOptions: { clusterField: 'target' },
    });
    await waitFor(() =>
      expect(api.listNamespaces).toHaveBeenCalledWith('other'),
    );
  });

  it('drops a namespace the user may not create in on the chosen cluster, and explains an empty list', async () => {
    const api = fakeApi();
    const { onValue } = await renderField(api, {
      component: KubevirtNamespacePicker,
      title: 'Namespace',
      initial: 'payments',
      form: { cluster: 'locked' },
    });
    await waitFor(() => expect(onValue).toHaveBeenCalledWith(undefined));
    expect(
      await screen.findByText(
        'You may not create VMs in any namespace of cluster locked',
      ),
    ).toBeInTheDocument();
  });

  it('shows a broker error', async () => {
    await renderField(fakeApi(), {
      component: KubevirtNamespacePicker,
      title: 'Namespace',
      form: { cluster: 'broken' },
    });
    expect(
      await screen.findByText(
        /Could not read the namespaces of cluster broken: Request failed with 503/,
      ),
    ).toBeInTheDocument();
  });
});

describe('KubevirtInstancetypePicker', () => {
  it('shows vCPU and memory, smallest first, with the namespace’s own instancetypes', async () => {
    const api = fakeApi();
    await renderField(api, {
      component: KubevirtInstancetypePicker,
      title: 'Size',
      form: { cluster: 'local-sim', namespace: 'payments' },
    });
    await waitFor(() =>
      expect(optionLabels('Size')).toEqual([
        'Choose size',
        'u1.small — 1 vCPU, 2 GiB memory',
        'u1.medium — 1 vCPU, 4 GiB memory',
        'u1.large — 2 vCPU, 8 GiB memory',
        'team.gpu (GPU box) — 8 vCPU, 64 GiB memory · namespace payments',
      ]),
    );
    expect(api.listInstancetypes).toHaveBeenCalledWith('local-sim', {
      namespace: 'payments',
    });
  });

  it('says when the chosen size is not offered', async () => {
    await renderField(fakeApi(), {
      component: KubevirtInstancetypePicker,
      title: 'Size',
      initial: 'u9.huge',
      form: { cluster: 'local-sim' },
    });
    expect(
      await screen.findByText('Cluster local-sim has no instancetype u9.huge'),
    ).toBeInTheDocument();
  });
});

describe('KubevirtGoldenImagePicker', () => {
  it('offers ready images as <namespace>/<name> and keeps one still importing unpickable', async () => {
    const api = fakeApi();
    const { onValue } = await renderField(api, {
      component: KubevirtGoldenImagePicker,
      title: 'Operating system',
      form: { cluster: 'local-sim' },
    });
    await waitFor(() =>
      expect(optionLabels('Operating system')).toEqual([
        'Choose operating system',
        'CentOS Stream 9 (centos-stream9) — not ready',
        'Fedora (fedora)',
      ]),
    );
    expect(optionsOf('Operating system')[1]).toBeDisabled();
    await userEvent.selectOptions(
      screen.getByLabelText(/^Operating system/),
      'kubevirt-os-images/fedora',
    );
    expect(onValue).toHaveBeenLastCalledWith('kubevirt-os-images/fedora');
  });
});

describe('field validation on Next (asks the broker again)', () => {
  const context = (formData: Record<string, unknown>, api = fakeApi()) => ({
    apiHolder: { get: () => api } as any,
    formData,
  });
  const run = async (
    fn: (v: string, f: { addError(m: string): void }, c: any) => Promise<void>,
    value: string,
    formData: Record<string, unknown>,
  ) => {
    const addError = jest.fn();
    await fn(value, { addError }, context(formData));
    return addError.mock.calls.map(c => c[0]);
  };

  it('accepts what the broker offers and names what it does not', async () => {
    expect(await run(validateCluster, 'local-sim', {})).toEqual([]);
    expect(await run(validateCluster, 'prod-east', {})).toEqual([
      'Cluster prod-east cannot be reached right now',
    ]);
    expect(
      await run(validateNamespace, 'payments', { cluster: 'local-sim' }),
    ).toEqual([]);
    expect(
      await run(validateNamespace, 'payments', { cluster: 'other' }),
    ).toEqual([
      'You may not create VMs in namespace payments of cluster other',
    ]);
    expect(
      await run(validateInstancetype, 'team.gpu', { cluster: 'local-sim' }),
    ).toEqual(['Cluster local-sim has no instancetype team.gpu']);
    expect(
      await run(validateInstancetype, 'team.gpu', {
        cluster: 'local-sim',
        namespace: 'payments',
      }),
    ).toEqual([]);
    expect(
      await run(validateGoldenImage, 'kubevirt-os-images/centos-stream9', {
        cluster: 'local-sim',
      }),
    ).toEqual([
      'Golden image kubevirt-os-images/centos-stream9 is not ready yet',
    ]);
    expect(
      await run(validateNamespace, 'payments', { cluster: 'broken' }),
    ).toEqual([expect.stringMatching(/^Could not check the namespace: .*503/)]);
  });
});
