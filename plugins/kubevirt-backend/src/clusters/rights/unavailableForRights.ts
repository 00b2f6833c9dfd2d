import {
  ClusterCapabilities,
  UnavailableOperations,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { describeRight } from './checkRights';

/** The VM operations a missing right stops on a cluster, each with the first right it lacks. */
export function unavailableForRights(
  cluster: string,
  capabilities: ClusterCapabilities | undefined,
): UnavailableOperations {
  const result: UnavailableOperations = {};
  for (const right of capabilities?.missingRights ?? []) {
    for (const op of right.operations ?? []) {
      result[op] ??= `the broker may not ${describeRight(
        right,
      )} on cluster ${cluster}`;
    }
  }
  return result;
}
