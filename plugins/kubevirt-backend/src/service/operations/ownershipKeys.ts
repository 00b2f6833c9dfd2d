import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { metadataKeyRule } from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubeObject } from '../../cache/ResourceCache';
import { VmAccess } from '../access/VmAccess';
import { vmLabel, VmRef } from '../VmRef';

type StringMap = Record<string, string>;
export type MetadataKey = { k: string; what: 'label' | 'annotation' };

/** The keys that say who owns a VM and differ between two versions of it. */
export function changedOwnershipKeys(
  before: KubeObject['metadata'] | undefined,
  after: KubeObject['metadata'],
): MetadataKey[] {
  const differ = (what: MetadataKey['what'], a: StringMap, b: StringMap) =>
    [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .filter(k => a[k] !== b[k] && metadataKeyRule(k) === 'ownership')
      .sort()
      .map(k => ({ k, what }));
  return [
    ...differ(
      'label',
      (before?.labels ?? {}) as StringMap,
      (after.labels ?? {}) as StringMap,
    ),
    ...differ(
      'annotation',
      (before?.annotations ?? {}) as StringMap,
      (after.annotations ?? {}) as StringMap,
    ),
  ];
}

/**
 * Changing who owns a VM hands it, and the rights on it, to another team:
 * only a caller who may delete the VM may do it, whichever route the change
 * takes (the overview's editor, the YAML tab).
 */
export async function assertMayChangeOwnership(
  access: VmAccess,
  ref: VmRef,
  keys: MetadataKey[],
  credentials: BackstageCredentials,
) {
  if (!keys.length) return;
  try {
    await access.authorize(ref, 'delete', credentials);
  } catch (error) {
    if (!(error instanceof NotAllowedError)) throw error;
    throw new NotAllowedError(
      `You may not change ${keys
        .map(({ k, what }) => `${what} ${k}`)
        .join(', ')} of ${vmLabel(ref).toLowerCase()} on cluster ${
        ref.cluster
      }: it decides who owns the VM, which needs the right to delete it (vm-admin)`,
    );
  }
}
