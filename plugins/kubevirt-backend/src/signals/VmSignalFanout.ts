import { LoggerService } from '@backstage/backend-plugin-api';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  KUBERNETES_ID_LABEL,
  kubevirtSignalChannels,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtVmResource } from '@kubevirt-backstage/plugin-kubevirt-node';
import { ClusterChange } from '../cache/ClusterCache';
import { KubeObject } from '../cache/ResourceCache';
import { VmRef } from '../service/VmRef';
import { ActiveViewers } from './ActiveViewers';

/** What the fan-out needs of the VM service: the permission-rule view of a VM. */
export interface VmResources {
  /** The view of a VM in the cache, or undefined when the cache has none. */
  resource(ref: VmRef): Promise<KubevirtVmResource | undefined>;
  /** The view of a VM object, e.g. the last known state of a deleted one. */
  toResource(cluster: string, vm: KubeObject): Promise<KubevirtVmResource>;
}

/**
 * Turns cluster changes into signals that only users who may read the VM
 * receive. Signals go to user recipients, never broadcast: signals-backend
 * matches them against each socket's identity, so a socket without a token
 * (or of a user with no read right on the VM) gets nothing about it, neither
 * on the VM's channel, nor on its entity's, nor on the clusters channel.
 * Recipients are computed once per change from the active viewers' cached
 * decisions: no permission call per change.
 */
export class VmSignalFanout {
  private source?: {
    vms: VmResources;
    matches: (decision: PolicyDecision, vm: KubevirtVmResource) => boolean;
  };

  constructor(
    private readonly options: {
      signals: SignalsService;
      viewers: ActiveViewers;
      logger: LoggerService;
    },
  ) {}

  /**
   * The VMs and the rules that decide who reads them. The caches, which feed
   * this fan-out, exist before the VM service and its permission ruleset do:
   * until this is called, changes go to nobody.
   */
  attach(vms: VmResources, ruleset: PermissionRuleset<KubevirtVmResource>) {
    this.source = { vms, matches: createConditionAuthorizer(ruleset) };
  }

  /** Fire and forget, for the caches' change callback. */
  publish(change: ClusterChange) {
    this.deliver(change).catch(e =>
      this.options.logger.debug(`signal not sent: ${e}`),
    );
  }

  /** Sends one change to its readers; resolves when every signal was handed to the signals service. */
  async deliver(change: ClusterChange): Promise<void> {
    const { viewers, signals } = this.options;
    const source = this.source;
    if (!source || !viewers.size) return;
    const { namespace = '', name, labels } = change.object.metadata;
    const ref = { cluster: change.cluster, namespace, name };
    const resource = await resourceOf(source.vms, change, ref);
    if (!resource) return;
    const recipients = viewers.readersOf(resource, source.matches);
    if (!recipients.length) return;

    const message = {
      ref: `${ref.cluster}/${namespace}/${name}`,
      status:
        change.type === 'DELETED' && change.kind === 'VirtualMachine'
          ? 'Deleted'
          : String(
              change.object.status?.printableStatus ??
                change.object.status?.phase ??
                '',
            ),
    };
    const sends: { channel: string; message: object }[] = [
      { channel: kubevirtSignalChannels.vm(ref), message },
    ];
    const id = labels?.[KUBERNETES_ID_LABEL];
    if (id) sends.push({ channel: kubevirtSignalChannels.entity(id), message });
    // lists of all VMs learn that VMs came or went, without names: the list re-reads what the user may see
    if (change.kind === 'VirtualMachine' && change.type !== 'MODIFIED') {
      sends.push({
        channel: kubevirtSignalChannels.clusters,
        message: { cluster: ref.cluster, type: change.type },
      });
    }
    await Promise.all(
      sends.map(send =>
        signals
          .publish({
            recipients: { type: 'user', entityRef: recipients },
            ...send,
          })
          .catch(e => this.options.logger.debug(`signal not sent: ${e}`)),
      ),
    );
  }
}

/**
 * Whose the change is: the VM as the cache has it; a deleted VM as it was
 * last known (the change carries it). An instance whose VM the cache does
 * not hold (standalone, or its VM already gone) is no VM a list shows and
 * goes to nobody.
 */
async function resourceOf(
  vms: VmResources,
  change: ClusterChange,
  ref: VmRef,
): Promise<KubevirtVmResource | undefined> {
  if (change.kind === 'VirtualMachine' && change.type === 'DELETED')
    return vms.toResource(change.cluster, change.object);
  const cached = await vms.resource(ref);
  if (cached) return cached;
  return change.kind === 'VirtualMachine'
    ? vms.toResource(change.cluster, change.object)
    : undefined;
}
