import { kubernetesNameProblem } from './kubernetesNames';

/**
 * Why `value` is not a Multus network reference, or undefined when it is:
 * a NetworkAttachmentDefinition's name, or `<namespace>/<name>` (KubeVirt's
 * `multus.networkName`).
 *
 * @public
 */
export function multusNetworkProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.includes('/'))
    return kubernetesNameProblem('networkAttachmentDefinition', value);
  const [namespace, name, ...rest] = value.split('/');
  if (rest.length) return `${JSON.stringify(value)} has more than one '/'`;
  return (
    kubernetesNameProblem('namespace', namespace) ??
    kubernetesNameProblem('networkAttachmentDefinition', name)
  );
}
