import { WarningPanel } from '@backstage/core-components';
import {
  ClusterCapabilities,
  ClusterStatus,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import Box from '@material-ui/core/Box';

/** What a cluster lacks, in the words a VM owner knows, each with where it comes from. */
export function missingCapabilities(c: ClusterCapabilities): string[] {
  const gate = (name: string) =>
    c.featureGates ? `no ${name} feature gate` : `${name} is off`;
  const missing: Array<[boolean, string]> = [
    [c.snapshots, `snapshots and restores (${gate('Snapshot')})`],
    [c.hotplugVolumes, `disk hot-plug (${gate('HotplugVolumes')})`],
    [c.expandDisks, `disk expansion (${gate('ExpandDisks')})`],
    [c.liveMigration, `live migration (${gate('LiveMigration')})`],
    [c.hotplugNics, `network interface hot-plug (${gate('HotplugNICs')})`],
    [
      c.cpuMemoryHotplug,
      `CPU/memory hot-plug (vmRolloutStrategy ${
        c.vmRolloutStrategy ?? 'is not LiveUpdate'
      })`,
    ],
    [c.cdi, 'DataVolumes and golden images (no CDI)'],
    [c.instancetypes, 'instancetypes and preferences'],
    [c.metrics, 'metrics (no Prometheus configured or reachable)'],
  ];
  return [
    ...missing.filter(([has]) => !has).map(([, what]) => what),
    // a right the broker lacks there stops operations just as a missing gate does
    ...(c.missingRights ?? [])
      .filter(r => r.operations?.length)
      .map(
        r =>
          `${r.operations!.join(', ')} (the broker may not ${r.verb} ${
            r.resource
          })`,
      ),
  ];
}

/**
 * One note per cluster that cannot do everything the portal offers, so that
 * disabled actions are explained before anyone opens a menu. Collapsed:
 * it is information, not an error.
 */
export const ClusterCapabilityNotes = ({
  clusters,
}: {
  clusters: ClusterStatus[];
}) => (
  <>
    {clusters.map(({ name, title, capabilities: c }) => {
      if (!c) return null;
      const missing = missingCapabilities(c);
      if (!missing.length && !c.warnings?.length) return null;
      return (
        <Box key={name} mb={2}>
          <WarningPanel
            severity="info"
            title={`Not everything is available on cluster ${title ?? name}${
              c.kubevirtVersion ? ` (KubeVirt ${c.kubevirtVersion})` : ''
            }`}
          >
            {missing.length > 0 && (
              <Box component="ul" m={0} aria-label={`Not available on ${name}`}>
                {missing.map(m => (
                  <li key={m}>{m}</li>
                ))}
              </Box>
            )}
            {c.warnings?.map(w => (
              <Box key={w}>{w}</Box>
            ))}
          </WarningPanel>
        </Box>
      );
    })}
  </>
);
