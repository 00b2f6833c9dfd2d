import { ChangeApplied } from '@kubevirt-backstage/plugin-kubevirt-common';

/** The broker's answer on how a spec change reaches the guest, as a sentence. */
export function appliedText(
  applied: ChangeApplied,
  liveMigration: boolean,
): string {
  if (applied === 'live')
    return liveMigration
      ? 'it applies live: KubeVirt live-migrates the VM to apply it'
      : 'it applies live to the running VM';
  if (applied === 'restart') return 'it takes effect when the VM is restarted';
  return 'it takes effect when the VM next starts';
}

/** A Kubernetes quantity as the broker accepts it for disks and memory. */
export const quantityProblem = (q: string) =>
  /^\d+(\.\d+)?(Mi|Gi|Ti)$/.test(q) ? undefined : 'A size such as 10Gi';

const units: Record<string, number> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/** Mebibytes of a quantity such as 20Gi; undefined for forms this UI does not read. */
export function mebibytes(q: string | undefined): number | undefined {
  const m = q ? /^(\d+(?:\.\d+)?)(Mi|Gi|Ti)$/.exec(q) : null;
  return m ? Number(m[1]) * units[m[2]] : undefined;
}
