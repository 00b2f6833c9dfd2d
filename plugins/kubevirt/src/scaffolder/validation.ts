import { ApiHolder } from '@backstage/frontend-plugin-api';
import { goldenImageValue } from './KubevirtGoldenImagePicker';
import { pickerApiFrom } from './pickerApi';

/** What rjsf's FieldValidation offers that these use. */
interface FieldValidation {
  addError(message: string): void;
}

interface ValidationContext {
  apiHolder: ApiHolder;
  formData: Record<string, unknown>;
  uiSchema?: { 'ui:options'?: unknown };
}

/** The value of the field that ui:options names under `option` (or the default field). */
function formValue(
  context: ValidationContext,
  option: 'clusterField' | 'namespaceField',
  fallback: string,
) {
  const options = (context.uiSchema?.['ui:options'] ?? {}) as Record<
    string,
    unknown
  >;
  const field =
    typeof options[option] === 'string'
      ? (options[option] as string)
      : fallback;
  const value = context.formData?.[field];
  return typeof value === 'string' && value ? value : undefined;
}

const clusterIn = (context: ValidationContext) =>
  formValue(context, 'clusterField', 'cluster');

// the form's own checks said what they could while the user typed; these ask the broker again on Next
const failed = (validation: FieldValidation, what: string, error: unknown) =>
  validation.addError(
    `Could not check ${what}: ${
      error instanceof Error ? error.message : String(error)
    }`,
  );

export async function validateCluster(
  value: string | undefined,
  validation: FieldValidation,
  context: ValidationContext,
) {
  if (!value) return;
  try {
    const { items } = await pickerApiFrom(context.apiHolder).listClusters();
    const cluster = items.find(c => c.name === value);
    if (!cluster) validation.addError(`No cluster named ${value}`);
    else if (cluster.state === 'not-synced')
      validation.addError(`Cluster ${value} cannot be reached right now`);
  } catch (error) {
    failed(validation, 'the cluster', error);
  }
}

export async function validateNamespace(
  value: string | undefined,
  validation: FieldValidation,
  context: ValidationContext,
) {
  const cluster = clusterIn(context);
  if (!value || !cluster) return;
  try {
    const { items } = await pickerApiFrom(context.apiHolder).listNamespaces(
      cluster,
    );
    if (!items.some(n => n.name === value))
      validation.addError(
        `You may not create VMs in namespace ${value} of cluster ${cluster}`,
      );
  } catch (error) {
    failed(validation, 'the namespace', error);
  }
}

export async function validateInstancetype(
  value: string | undefined,
  validation: FieldValidation,
  context: ValidationContext,
) {
  const cluster = clusterIn(context);
  if (!value || !cluster) return;
  const namespace = formValue(context, 'namespaceField', 'namespace');
  try {
    const { items } = await pickerApiFrom(context.apiHolder).listInstancetypes(
      cluster,
      { namespace },
    );
    if (!items.some(t => t.name === value))
      validation.addError(`Cluster ${cluster} has no instancetype ${value}`);
  } catch (error) {
    failed(validation, 'the size', error);
  }
}

export async function validateGoldenImage(
  value: string | undefined,
  validation: FieldValidation,
  context: ValidationContext,
) {
  const cluster = clusterIn(context);
  if (!value || !cluster) return;
  try {
    const { items } = await pickerApiFrom(context.apiHolder).listGoldenImages(
      cluster,
    );
    const image = items.find(i => goldenImageValue(i) === value);
    if (!image)
      validation.addError(`Cluster ${cluster} has no golden image ${value}`);
    else if (!image.ready)
      validation.addError(`Golden image ${value} is not ready yet`);
  } catch (error) {
    failed(validation, 'the image', error);
  }
}
