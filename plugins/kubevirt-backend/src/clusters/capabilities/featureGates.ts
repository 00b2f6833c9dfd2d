/**
 * Gates that are GA from a KubeVirt release on, and so enabled whatever the
 * KubeVirt CR lists (kubevirt pkg/virt-config/featuregate/inactive.go: a GA
 * gate is "considered feature-gate enabled, with no option to disable").
 */
const GA_SINCE: Record<string, [number, number]> = {
  // registered GA in inactive.go before v1.0; an older cluster must list it
  LiveMigration: [1, 0],
  HotplugNICs: [1, 4],
  VMLiveUpdateFeatures: [1, 5],
  ExpandDisks: [1, 8],
  VMExport: [1, 9],
};

/** `v1.6.0` → [1, 6]; undefined for what is not a release version. */
export function minorVersion(version?: string): [number, number] | undefined {
  const m = version?.match(/^v?(\d+)\.(\d+)/);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether a gate is on in a KubeVirt of this version whose CR lists these gates. */
export function gateEnabled(
  gate: string,
  version: string | undefined,
  listed: readonly string[],
): boolean {
  if (listed.includes(gate)) return true;
  const since = GA_SINCE[gate];
  const v = minorVersion(version);
  if (!since || !v) return false;
  return v[0] > since[0] || (v[0] === since[0] && v[1] >= since[1]);
}
