export {
  isKubernetesName,
  kubernetesNameProblem,
  kubernetesNameKinds,
} from './kubernetesNames';
export type { KubernetesNameKind } from './kubernetesNames';
export { multusNetworkProblem } from './multusNetwork';
