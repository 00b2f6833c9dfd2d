import { CatalogService } from '@backstage/plugin-catalog-node';
import type { z as zod } from 'zod/v3';
import { VmRef } from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtService } from '@kubevirt-backstage/plugin-kubevirt-node';

/** What the kubevirt:vm:* actions need; tests build it around a real broker. */
export interface KubevirtActionDeps {
  kubevirt: KubevirtService;
  catalog: CatalogService;
  /** app.baseUrl: VM page links point into the portal. */
  appBaseUrl: string;
  /** How often waits ask the broker (its cache, not the cluster); 1000 ms unless set (tests use less). */
  pollIntervalMs?: number;
}

export const DEFAULT_POLL_MS = 1000;
const DEFAULT_TIMEOUT_SECONDS = 600;

/** The portal's page of one VM, as the VM list links it. */
export function vmPageUrl(appBaseUrl: string, ref: VmRef) {
  const enc = encodeURIComponent;
  return `${appBaseUrl.replace(/\/+$/, '')}/virtual-machines/${enc(
    ref.cluster,
  )}/${enc(ref.namespace)}/${enc(ref.name)}`;
}

/** A wait's budget: timeoutSeconds when given (zod `.default()` is never applied to action input). */
export const timeoutMs = (
  seconds: number | undefined,
  fallback = DEFAULT_TIMEOUT_SECONDS,
) => (seconds ?? fallback) * 1000;

/** The zod v3 instance the scaffolder hands to schema callbacks. */
export type Z = typeof zod;

/** The common VM address inputs, with descriptions the installed-actions page shows. */
export const vmRefSchema = {
  cluster: (z: Z) =>
    z
      .string()
      .min(1)
      .describe(
        'Cluster name as configured under kubernetes.clusterLocatorMethods, e.g. local-sim',
      ),
  namespace: (z: Z) =>
    z.string().min(1).describe('Kubernetes namespace of the VM'),
  name: (z: Z) => z.string().min(1).describe('Name of the VirtualMachine'),
};
