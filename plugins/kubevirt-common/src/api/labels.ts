/** The label that ties a VM to a catalog entity, as the Kubernetes plugin uses it. */
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
