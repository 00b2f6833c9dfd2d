/** ui:options of the pickers that depend on the chosen cluster. */
export interface ClusterDependentOptions {
  /** The form field holding the cluster; default `cluster`. */
  clusterField?: string;
}

/** ui:options of the instancetype picker. */
export interface InstancetypeOptions extends ClusterDependentOptions {
  /** The form field holding the namespace, for namespaced instancetypes; default `namespace`. */
  namespaceField?: string;
}

/**
 * The value of another field of the template form: the scaffolder passes the
 * data of every page so far as formContext.formData, and each change as the user types.
 */
export function fieldValue(
  formContext: unknown,
  field: string,
): string | undefined {
  const value = (
    formContext as { formData?: Record<string, unknown> } | undefined
  )?.formData?.[field];
  return typeof value === 'string' && value ? value : undefined;
}

/** "4Gi" → "4 GiB"; leaves anything else as it is. */
export function formatMemory(memory?: string) {
  const m = memory?.match(/^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)$/);
  return m ? `${m[1]} ${m[2]}B` : memory;
}
