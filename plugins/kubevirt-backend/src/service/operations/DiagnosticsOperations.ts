import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { VmGuestDiagnostics } from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCache } from '../../cache/ClusterCache';
import { apiGroups, apiPath } from '../../clusters/apiPath';
import { KubernetesStatusError } from '../../clusters/ClusterClient';
import { vmLabel, VmRef } from '../VmRef';
import { VmOperationRunner } from './VmOperationRunner';

type GuestOsInfo = {
  guestAgentVersion?: string;
  hostname?: string;
  timezone?: string;
  os?: Record<string, unknown>;
};
type Items<T> = { items?: T[] };
type GuestUser = { userName: string; domain?: string; loginTime?: number };
type GuestFileSystem = VmGuestDiagnostics['filesystems'][number];

/**
 * virt-api answers a guest-agent subresource it cannot serve with HTTP 500
 * and the error's text (rest/subresource.go): the VMI is missing, not
 * running, or has no AgentConnected condition. Those are states of the VM,
 * told in words; any other failure is the cluster's.
 */
function guestAgentRefusal(
  error: unknown,
): Pick<VmGuestDiagnostics, 'agent' | 'reason' | 'clusterMessage'> | undefined {
  if (!(error instanceof KubernetesStatusError) || error.statusCode !== 500)
    return undefined;
  const text = error.message;
  if (/does not have guest agent connected/i.test(text))
    return {
      agent: 'not-connected',
      reason:
        'The QEMU guest agent in this VM does not answer: it is not installed in the guest (qemu-guest-agent) or the guest has not finished booting. Without it KubeVirt cannot report the OS, users or file systems.',
      clusterMessage: text,
    };
  if (/is not running|not found/i.test(text))
    return {
      agent: 'not-running',
      reason: 'The VM is not running: only a running guest can report.',
      clusterMessage: text,
    };
  return undefined;
}

const toUser = (u: GuestUser) => ({
  userName: u.userName,
  ...(u.domain ? { domain: u.domain } : {}),
  // the agent reports seconds since the epoch, with a fraction
  ...(u.loginTime
    ? { loginTime: new Date(Math.round(u.loginTime * 1000)).toISOString() }
    : {}),
});

const toFileSystem = (f: GuestFileSystem): GuestFileSystem => ({
  diskName: f.diskName,
  mountPoint: f.mountPoint,
  fileSystemType: f.fileSystemType,
  usedBytes: f.usedBytes,
  totalBytes: f.totalBytes,
});

/**
 * Guest diagnostics: what the QEMU guest agent reports through KubeVirt's
 * guestosinfo, userlist and filesystemlist subresources (GET, KubeVirt's
 * view role), with the reason in words when it cannot.
 */
export class DiagnosticsOperations {
  constructor(private readonly runner: VmOperationRunner) {}

  async diagnostics(
    ref: VmRef,
    credentials: BackstageCredentials,
  ): Promise<VmGuestDiagnostics> {
    return this.runner.run(
      {
        event: 'vm-diagnostics',
        ref,
        credentials,
        permission: async () => {
          const { access } = this.runner;
          try {
            await access.authorize(ref, 'diagnostics', credentials);
          } catch (error) {
            if (!(error instanceof NotAllowedError)) throw error;
            throw new NotAllowedError(
              `You may not read the guest diagnostics of virtual machine ${ref.namespace}/${ref.name} on cluster ${ref.cluster}`,
            );
          }
          access.assertCapable(ref, 'diagnostics');
        },
      },
      async ({ cache, call }) => {
        const vm = cache.vms.get(ref.namespace, ref.name);
        if (!vm)
          throw new NotFoundError(
            `${vmLabel(ref)} not found on cluster ${ref.cluster}`,
          );
        const vmi = cache.vmis.get(ref.namespace, ref.name);
        if (!vmi || vmi.status?.phase !== 'Running') {
          // nothing to ask: said from the cache, without a cluster call
          const status = vm.status?.printableStatus ?? 'Stopped';
          return {
            agent: 'not-running',
            reason: `The VM is not running (${status}): only a running guest can report.`,
            users: [],
            filesystems: [],
          };
        }
        try {
          const [info, users, filesystems] = await Promise.all([
            this.get<GuestOsInfo>(cache, ref, 'guestosinfo'),
            this.get<Items<GuestUser>>(cache, ref, 'userlist'),
            this.get<Items<GuestFileSystem>>(cache, ref, 'filesystemlist'),
          ]);
          return {
            agent: 'connected',
            ...(info.guestAgentVersion
              ? { guestAgentVersion: info.guestAgentVersion }
              : {}),
            ...(info.hostname ? { hostname: info.hostname } : {}),
            ...(info.os ? { os: toOs(info.os) } : {}),
            ...(info.timezone ? { timezone: info.timezone } : {}),
            users: (users.items ?? []).map(toUser),
            filesystems: (filesystems.items ?? []).map(toFileSystem),
          };
        } catch (error) {
          const refusal = guestAgentRefusal(error);
          if (refusal) return { ...refusal, users: [], filesystems: [] };
          // any other failure is mapped as every cluster call's is
          return call(() => Promise.reject(error));
        }
      },
    );
  }

  private get<T>(cache: ClusterCache, ref: VmRef, subresource: string) {
    return cache.client.request<T>(
      'GET',
      apiPath({
        ...apiGroups.subresources,
        namespace: ref.namespace,
        resource: 'virtualmachineinstances',
        name: ref.name,
        subresource,
      }),
    );
  }
}

const osFields = [
  'id',
  'name',
  'prettyName',
  'version',
  'kernelRelease',
  'kernelVersion',
  'machine',
] as const;

/** The OS fields the contract names, those the agent filled. */
function toOs(os: Record<string, unknown>): VmGuestDiagnostics['os'] {
  return Object.fromEntries(
    osFields
      .filter(k => typeof os[k] === 'string' && os[k] !== '')
      .map(k => [k, os[k]]),
  );
}
