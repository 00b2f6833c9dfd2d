import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_ID_LABEL,
  KubevirtApiClient,
  VmDetail,
  VmRef,
  vmEntityRef,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { differences, toCreateRequest } from '../util/createRequest';
import { KubevirtActionError, statusOf, vmLabel } from '../util/errors';
import { pollUntil } from '../util/poll';
import { readVm, VmTarget, waitForVm } from '../util/waitForVm';
import {
  DEFAULT_POLL_MS,
  KubevirtActionDeps,
  timeoutMs,
  vmPageUrl,
  Z,
} from './deps';

const RUN_STRATEGIES = [
  'Always',
  'Halted',
  'Manual',
  'RerunOnFailure',
  'Once',
] as const;

const examples = [
  {
    description:
      'A Fedora VM from a golden image, owned by a team, serving a component, running before the step ends',
    example: `steps:
  - id: vm
    name: Create VM
    action: kubevirt:vm:create
    input:
      cluster: local-sim
      namespace: payments
      name: payments-db-2
      instancetype: u1.medium
      preference: fedora
      image: kubevirt-os-images/fedora
      diskSize: 40Gi
      sshPublicKey: \${{ secrets.sshPublicKey }}
      owner: group:default/team-payments
      service: component:default/payments-api
      waitForReady: true
      timeoutSeconds: 600`,
  },
  {
    description:
      'An explicit size and a container disk, created stopped; a dry run validates it on the cluster and creates nothing',
    example: `steps:
  - id: vm
    name: Create VM
    action: kubevirt:vm:create
    input:
      cluster: local-sim
      namespace: payments
      name: scratch-vm
      cpu: 2
      memory: 4Gi
      containerDisk: quay.io/containerdisks/fedora:40
      cloudInitUserData: |
        #cloud-config
        packages: [postgresql-server]
      labels:
        app: scratch
      runStrategy: Halted
      waitForReady: false`,
  },
];

/** The kubernetes-id a component's VMs carry, read from the catalog as the initiator. */
async function kubernetesIdOf(
  catalog: CatalogService,
  service: string,
  credentials: BackstageCredentials,
) {
  const entity = await catalog.getEntityByRef(service, { credentials });
  if (!entity)
    throw new InputError(
      `Invalid service "${service}": no such entity in the catalog (or you may not see it)`,
    );
  const id = entity.metadata.annotations?.[KUBERNETES_ID_LABEL];
  if (!id) {
    throw new InputError(
      `Invalid service "${service}": it has no ${KUBERNETES_ID_LABEL} annotation, so its Virtual Machines tab cannot list the VM; add the annotation or pass kubernetesId`,
    );
  }
  return id;
}

/** A golden image names the preference (OS defaults) it is meant for; used when the template gives none. */
async function defaultPreference(
  client: KubevirtApiClient,
  ref: VmRef,
  image: { name: string; namespace: string },
) {
  let items;
  try {
    ({ items } = await client.listGoldenImages(ref.cluster));
  } catch (error) {
    throw new KubevirtActionError('create', ref, error);
  }
  const found = items.find(
    i => i.name === image.name && i.namespace === image.namespace,
  );
  if (!found) {
    const known =
      items.map(i => `${i.namespace}/${i.name}`).join(', ') || 'none';
    throw new InputError(
      `Invalid image "${image.namespace}/${image.name}": no such golden image on cluster ${ref.cluster} (known: ${known})`,
    );
  }
  return found.defaultPreference;
}

/** After a 409 the broker's cache may lag the cluster for a moment: read until the VM shows. */
async function readExisting(
  client: KubevirtApiClient,
  ref: VmRef,
  intervalMs: number,
  signal?: AbortSignal,
) {
  return (await pollUntil<VmDetail | undefined>({
    read: () => readVm(client, ref),
    done: d => d !== undefined,
    timeoutMs: 10_000,
    intervalMs: Math.min(intervalMs, 500),
    signal,
    timeoutMessage: () =>
      `${vmLabel(ref)} was reported as existing but cannot be read`,
  }))!;
}

/** `kubevirt:vm:create`: a VM from a few choices, through the broker, with the initiator's rights. */
export function createVmCreateAction(deps: KubevirtActionDeps) {
  const intervalMs = deps.pollIntervalMs ?? DEFAULT_POLL_MS;
  return createTemplateAction({
    id: 'kubevirt:vm:create',
    description:
      "Creates a KubeVirt VM through the KubeVirt broker with the initiator's permissions (same checks and audit as the portal), optionally waits until it runs, and outputs its address, status, page and catalog entity. Re-running is safe: a VM that already exists and matches is success; one that differs is an error.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: (z: Z) =>
          z
            .string()
            .min(1)
            .describe(
              'Cluster name as configured under kubernetes.clusterLocatorMethods, e.g. local-sim',
            ),
        namespace: (z: Z) =>
          z
            .string()
            .min(1)
            .describe(
              'Namespace to create the VM in; you need create rights there',
            ),
        name: (z: Z) =>
          z
            .string()
            .min(1)
            .max(63)
            .describe(
              "VM name: at most 63 lower case letters, digits and '-' (RFC 1123); also its hostname",
            ),
        instancetype: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'Instancetype (size), e.g. u1.medium; or give cpu and memory',
            ),
        cpu: (z: Z) =>
          z
            .number()
            .int()
            .min(1)
            .max(64)
            .optional()
            .describe('vCPUs, with memory, instead of an instancetype'),
        memory: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'Memory such as 4Gi, with cpu, instead of an instancetype',
            ),
        preference: (z: Z) =>
          z
            .string()
            .optional()
            .describe('Preference (OS defaults), e.g. fedora'),
        image: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'Golden image (DataSource) as namespace/name, e.g. kubevirt-os-images/fedora; or give containerDisk',
            ),
        containerDisk: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'Container disk image reference, instead of a golden image',
            ),
        diskSize: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'Root disk size for a golden image, e.g. 30Gi (1Gi to 4Ti; broker default 30Gi)',
            ),
        cloudInitUserData: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'cloud-init user data (#cloud-config). Secret: pass it from `secrets`, it is never logged',
            ),
        sshPublicKey: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'OpenSSH public key, stored by the broker as a Secret next to the VM. Secret: pass it from `secrets`, it is never logged',
            ),
        labels: (z: Z) =>
          z.record(z.string()).optional().describe('Extra labels of the VM'),
        owner: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'Owner in the catalog: a group of namespace default, e.g. group:default/team-payments',
            ),
        service: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'Entity ref of the component the VM serves; its backstage.io/kubernetes-id annotation becomes the VM label, so the VM shows on its Virtual Machines tab',
            ),
        kubernetesId: (z: Z) =>
          z
            .string()
            .optional()
            .describe(
              'backstage.io/kubernetes-id label, when the component is not in the catalog yet (instead of service)',
            ),
        runStrategy: (z: Z) =>
          z
            .enum(RUN_STRATEGIES)
            .optional()
            .describe('Run strategy; default Always (starts at once)'),
        waitForReady: (z: Z) =>
          z
            .boolean()
            .optional()
            .describe(
              'Wait until the VM is Running and ready (Stopped for Halted/Manual); default true, ignored in a dry run',
            ),
        timeoutSeconds: (z: Z) =>
          z
            .number()
            .int()
            .min(1)
            .max(86400)
            .optional()
            .describe('How long to wait; default 600'),
      },
      output: {
        name: (z: Z) => z.string().describe('VM name'),
        namespace: (z: Z) => z.string().describe('VM namespace'),
        cluster: (z: Z) => z.string().describe('Cluster'),
        uid: (z: Z) =>
          z.string().describe('Kubernetes uid of the VM (empty in a dry run)'),
        ipAddress: (z: Z) =>
          z.string().describe('First IP address of the running VM, or empty'),
        status: (z: Z) =>
          z.string().describe('printableStatus when the step ended'),
        vmUrl: (z: Z) => z.string().describe("The VM's page in the portal"),
        entityRef: (z: Z) =>
          z
            .string()
            .describe(
              "The VM's catalog entity (Resource of type virtual-machine)",
            ),
        dryRun: (z: Z) => z.boolean().describe('True when nothing was created'),
      },
    },
    async handler(ctx) {
      const input = ctx.input;
      const ref: VmRef = {
        cluster: input.cluster,
        namespace: input.namespace,
        name: input.name,
      };
      const credentials = await ctx.getInitiatorCredentials();
      if (input.service && input.kubernetesId)
        throw new InputError('Give service or kubernetesId, not both');
      const kubernetesId = input.service
        ? await kubernetesIdOf(deps.catalog, input.service, credentials)
        : input.kubernetesId;
      // never log the request itself: it carries the SSH key and user data
      const request = toCreateRequest({ ...input, kubernetesId });
      const client = deps.kubevirt.forCredentials(credentials);
      if (!request.preference && 'goldenImage' in request.image) {
        request.preference = await defaultPreference(
          client,
          ref,
          request.image.goldenImage,
        );
      }
      const outputs = (
        summary: { uid: string; ipAddresses: string[]; status: string },
        dryRun: boolean,
      ) => {
        ctx.output('name', ref.name);
        ctx.output('namespace', ref.namespace);
        ctx.output('cluster', ref.cluster);
        ctx.output('uid', summary.uid ?? '');
        ctx.output('ipAddress', summary.ipAddresses?.[0] ?? '');
        // a dry-run VM was never persisted, so it has no status of its own
        ctx.output(
          'status',
          dryRun && summary.status === 'Unknown' ? 'DryRun' : summary.status,
        );
        ctx.output('vmUrl', vmPageUrl(deps.appBaseUrl, ref));
        ctx.output('entityRef', vmEntityRef(ref));
        ctx.output('dryRun', dryRun);
      };

      const existing = async () => {
        const detail = await readExisting(client, ref, intervalMs, ctx.signal);
        const diff = differences(request, detail);
        if (diff.length) {
          throw new InputError(
            `${vmLabel(
              ref,
            )} already exists and differs from this request: ${diff.join(
              '; ',
            )}. Pick another name or delete the VM first`,
          );
        }
        return detail;
      };

      if (ctx.isDryRun) {
        try {
          const res = await client.createVm({ ...request, dryRun: true });
          ctx.logger.info(
            `Dry run: the cluster accepted ${vmLabel(
              ref,
            )}; nothing was created`,
          );
          outputs(res.vm, true);
        } catch (error) {
          if (statusOf(error) !== 409)
            throw new KubevirtActionError('create', ref, error);
          const detail = await existing();
          ctx.logger.info(
            `Dry run: ${vmLabel(
              ref,
            )} already exists and matches; nothing to do`,
          );
          outputs(detail.summary, true);
        }
        return;
      }

      // the checkpoint keeps a task that is resumed after a restart from creating twice
      const uid = await ctx.checkpoint({
        key: `kubevirt-vm-create:${ref.cluster}/${ref.namespace}/${ref.name}`,
        fn: async () => {
          try {
            const res = await client.createVm(request);
            ctx.logger.info(
              `Created ${vmLabel(ref)} (uid ${res.vm.uid})${
                request.sshPublicKey ? ', its SSH key stored as a Secret' : ''
              }`,
            );
            return res.vm.uid;
          } catch (error) {
            if (statusOf(error) !== 409)
              throw new KubevirtActionError('create', ref, error);
            const detail = await existing();
            ctx.logger.info(
              `${vmLabel(
                ref,
              )} already exists and matches this request; not created again`,
            );
            return detail.summary.uid;
          }
        },
      });

      const halted =
        request.runStrategy === 'Halted' || request.runStrategy === 'Manual';
      const target: VmTarget = halted
        ? { status: ['Stopped'] }
        : { status: ['Running'], ready: true };
      const detail =
        input.waitForReady === false
          ? await readVm(client, ref)
          : await waitForVm(client, ref, target, {
              timeoutMs: timeoutMs(input.timeoutSeconds),
              intervalMs,
              signal: ctx.signal,
              logger: ctx.logger,
            });
      if (detail && detail.summary.uid && detail.summary.uid !== uid) {
        throw new InputError(
          `${vmLabel(ref)} was replaced by another VM of the same name (uid ${
            detail.summary.uid
          }, created as ${uid})`,
        );
      }
      outputs(
        detail?.summary ?? { uid, ipAddresses: [], status: 'Unknown' },
        false,
      );
    },
  });
}
