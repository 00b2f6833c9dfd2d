import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ChangeApplied,
  InterfaceChangeResponse,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { addInterfaceBody } from '../operationSchemas';
import { vmLabel, VmRef } from '../VmRef';
import {
  freshVm,
  isRunning,
  mustNotMigrate,
  mustVm,
  replaceVm,
} from './clusterCalls';
import { VmOperationRunner } from './VmOperationRunner';

/** A VM's network interfaces: add one (pod network or Multus), remove one; live where KubeVirt hot-plugs. */
export class NetworkInterfaceOperations {
  constructor(private readonly runner: VmOperationRunner) {}

  async addInterface(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<InterfaceChangeResponse> {
    return this.runner.run(
      {
        event: 'vm-interface-add',
        ref,
        credentials,
        permission: 'addInterface',
        body: { schema: addInterfaceBody, value: body },
        meta: { interface: (body as { name?: unknown } | undefined)?.name },
      },
      async ({ cache, input }) => {
        mustVm(cache, ref);
        mustNotMigrate(cache, ref, 'add the interface');
        const vm = await freshVm(cache, ref);
        const spec = vm.spec.template.spec;
        spec.domain.devices ??= {};
        const interfaces: any[] = (spec.domain.devices.interfaces ??= []);
        const networks: any[] = (spec.networks ??= []);
        if (
          interfaces.some(i => i.name === input.name) ||
          networks.some(n => n.name === input.name)
        ) {
          throw new ConflictError(
            `${vmLabel(ref)} on cluster ${
              ref.cluster
            } already has a network interface named ${input.name}`,
          );
        }
        if (input.network === 'pod' && networks.some(n => n.pod)) {
          throw new ConflictError(
            `${vmLabel(ref)} on cluster ${
              ref.cluster
            } already has a pod network interface (${
              networks.find(n => n.pod).name
            }); a VM has at most one`,
          );
        }
        const multus =
          input.network === 'pod' ? undefined : input.network.multus;
        if (multus && networks.some(n => n.multus?.networkName === multus)) {
          throw new ConflictError(
            `${vmLabel(ref)} on cluster ${
              ref.cluster
            } is already attached to network ${multus}`,
          );
        }
        interfaces.push({
          name: input.name,
          [input.binding]: {},
          ...(input.model ? { model: input.model } : {}),
          ...(input.macAddress ? { macAddress: input.macAddress } : {}),
        });
        networks.push(
          multus
            ? { name: input.name, multus: { networkName: multus } }
            : { name: input.name, pod: {} },
        );
        const running = isRunning(cache, ref);
        // KubeVirt hot-plugs bridge and SR-IOV interfaces on secondary (Multus) networks; SR-IOV by a live migration
        const hotpluggable = !!multus && input.binding !== 'masquerade';
        let applied: ChangeApplied = 'next-start';
        if (running) applied = hotpluggable ? 'live' : 'restart';
        await replaceVm(cache, ref, vm, input.dryRun);
        return {
          interface: input.name,
          applied,
          liveMigration: running && input.binding === 'sriov',
          dryRun: !!input.dryRun,
        };
      },
    );
  }

  async removeInterface(
    ref: VmRef,
    name: string,
    options: { dryRun?: boolean },
    credentials: BackstageCredentials,
  ): Promise<InterfaceChangeResponse> {
    return this.runner.run(
      {
        event: 'vm-interface-remove',
        ref,
        credentials,
        names: [['interface', name]],
        permission: 'removeInterface',
        meta: { interface: name, dryRun: !!options.dryRun },
      },
      async ({ cache }) => {
        mustVm(cache, ref);
        mustNotMigrate(cache, ref, 'remove the interface');
        const vm = await freshVm(cache, ref);
        const spec = vm.spec.template.spec;
        const interfaces: any[] = spec.domain?.devices?.interfaces ?? [];
        const iface = interfaces.find(i => i.name === name);
        if (!iface)
          throw new NotFoundError(
            `${vmLabel(ref)} on cluster ${
              ref.cluster
            } has no network interface named ${name}`,
          );
        const network = (spec.networks ?? []).find(
          (n: { name: string }) => n.name === name,
        );
        const running = isRunning(cache, ref);
        const hotpluggable = !!network?.multus && !iface.masquerade;
        let applied: ChangeApplied;
        if (running && hotpluggable) {
          if (iface.state === 'absent')
            throw new ConflictError(
              `Network interface ${name} of ${vmLabel(ref)} on cluster ${
                ref.cluster
              } is already being unplugged`,
            );
          // KubeVirt unplugs it from the running guest, then drops it from the spec
          iface.state = 'absent';
          applied = 'live';
        } else {
          spec.domain.devices.interfaces = interfaces.filter(i => i !== iface);
          spec.networks = (spec.networks ?? []).filter(
            (n: { name: string }) => n.name !== name,
          );
          applied = running ? 'restart' : 'next-start';
        }
        await replaceVm(cache, ref, vm, options.dryRun);
        return {
          interface: name,
          applied,
          liveMigration: false,
          dryRun: !!options.dryRun,
        };
      },
    );
  }
}
