import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  ChangeApplied,
  HotplugResourcesResponse,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { hotplugResourcesBody } from '../operationSchemas';
import { bytesOf } from '../schemas';
import { vmLabel, VmRef } from '../VmRef';
import {
  freshVm,
  isRunning,
  mustNotMigrate,
  mustVm,
  replaceVm,
} from './clusterCalls';
import { VmOperationRunner } from './VmOperationRunner';

// KubeVirt's default maxHotplugRatio: without explicit maxima a VM may grow to 4x what it started with
const HOTPLUG_RATIO = 4;

/** A VM's CPU sockets and guest memory: live (by a live migration) when they grow on a running VM. */
export class CpuMemoryOperations {
  constructor(private readonly runner: VmOperationRunner) {}

  async hotplugResources(
    ref: VmRef,
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<HotplugResourcesResponse> {
    return this.runner.run(
      {
        event: 'vm-resources-hotplug',
        ref,
        credentials,
        permission: 'hotplugResources',
        body: { schema: hotplugResourcesBody, value: body },
        meta: {
          sockets: (body as any)?.sockets,
          memory: (body as any)?.memory,
        },
      },
      async ({ cache, input }) => {
        mustVm(cache, ref);
        mustNotMigrate(cache, ref, 'change CPU or memory');
        const vm = await freshVm(cache, ref);
        if (vm.spec?.instancetype) {
          throw new ConflictError(
            `${vmLabel(ref)} on cluster ${
              ref.cluster
            } takes its CPU and memory from instancetype ${
              vm.spec.instancetype.name
            }; choose another instancetype instead (YAML tab)`,
          );
        }
        const domain = vm.spec.template.spec.domain;
        const cpu = (domain.cpu ??= {});
        const sockets = cpu.sockets ?? 1;
        const guest: string | undefined =
          domain.memory?.guest ?? domain.resources?.requests?.memory;
        // a running VM's maxima were fixed when it started (KubeVirt writes them into the instance)
        const booted = cache.vmis.get(ref.namespace, ref.name)?.spec?.domain;
        const bootSockets = booted?.cpu?.sockets ?? sockets;
        const bootGuest: string | undefined = booted?.memory?.guest ?? guest;
        const maxSockets: number =
          cpu.maxSockets ??
          booted?.cpu?.maxSockets ??
          bootSockets * HOTPLUG_RATIO;
        const maxGuest: string | undefined =
          domain.memory?.maxGuest ?? booted?.memory?.maxGuest;
        if (input.sockets !== undefined && input.sockets > maxSockets) {
          throw new InputError(
            `Invalid request body: sockets: at most ${maxSockets} for ${vmLabel(
              ref,
            )} (domain.cpu.maxSockets${
              cpu.maxSockets || booted?.cpu?.maxSockets
                ? ''
                : `, default ${HOTPLUG_RATIO}x the ${bootSockets} it started with`
            })`,
          );
        }
        if (input.memory !== undefined) {
          let limit = Infinity;
          if (maxGuest) limit = bytesOf(maxGuest);
          else if (bootGuest) limit = bytesOf(bootGuest) * HOTPLUG_RATIO;
          if (bytesOf(input.memory) > limit) {
            const shown = maxGuest ?? `${limit / 2 ** 30}Gi`;
            throw new InputError(
              `Invalid request body: memory: at most ${shown} for ${vmLabel(
                ref,
              )} (domain.memory.maxGuest${
                maxGuest
                  ? ''
                  : `, default ${HOTPLUG_RATIO}x the ${bootGuest} it started with`
              })`,
            );
          }
          if (bytesOf(input.memory) < 128 * 2 ** 20)
            throw new InputError(
              'Invalid request body: memory: at least 128Mi',
            );
        }
        const grows =
          (input.sockets ?? sockets) >= sockets &&
          (!input.memory || !guest || bytesOf(input.memory) >= bytesOf(guest));
        if (input.sockets !== undefined) cpu.sockets = input.sockets;
        if (input.memory !== undefined) {
          domain.memory = { ...domain.memory, guest: input.memory };
          if (domain.resources?.requests?.memory)
            domain.resources.requests.memory = input.memory;
        }
        const running = isRunning(cache, ref);
        let applied: ChangeApplied = 'next-start';
        // KubeVirt adds sockets and memory to a running VM by live-migrating it; taking them away needs a restart
        if (running) applied = grows ? 'live' : 'restart';
        await replaceVm(cache, ref, vm, input.dryRun);
        return {
          sockets: cpu.sockets,
          memory: domain.memory?.guest,
          applied,
          liveMigration: running && grows,
          dryRun: !!input.dryRun,
        };
      },
    );
  }
}
