export {
  isKubernetesName,
  kubernetesNameProblem,
  kubernetesNameKinds,
} from './kubernetesNames';
export type { KubernetesNameKind } from './kubernetesNames';
export { multusNetworkProblem } from './multusNetwork';
export {
  ANNOTATIONS_SIZE_LIMIT,
  annotationsProblems,
  labelsProblems,
  labelValueProblem,
  metadataKeyRule,
  qualifiedNameProblem,
} from './metadataValidation';
export type { MetadataKeyRule } from './metadataValidation';
