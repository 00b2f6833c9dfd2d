import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  vmActions,
  VmAction,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import express from 'express';
import Router from 'express-promise-router';
import { requireJsonBody } from './requireJsonBody';
import { assertName, routeParamKinds } from './service/names';
import { parseInput } from './service/schemas';
import { listVmsQuery, pickerQuery } from './schema/queries';
import { VmMetrics } from './metrics/VmMetrics';
import { VmServices } from './service/createVmServices';

/** Maps HTTP to the VM services (src/service); nothing here talks to a cluster. */
export function createRouter(options: {
  httpAuth: HttpAuthService;
  services: VmServices;
  metrics: VmMetrics;
  /** Told of every authenticated request, before it is answered: who may receive VM signals. */
  viewers?: { seen(credentials: BackstageCredentials): Promise<void> };
}) {
  const { httpAuth, metrics } = options;
  const {
    runner,
    reads,
    power,
    createUpdate,
    snapshots,
    clonesAndSavedVmTemplates: clones,
    disks,
    networkInterfaces,
    cpuMemory,
    migration,
    bulk,
    diagnostics,
    metadata,
    nodeMaintenance,
  } = options.services;
  const router = Router();
  // a body the broker cannot read is refused, never treated as empty (a dry run would run for real)
  router.use(requireJsonBody());
  router.use(express.json({ limit: '1mb' }));
  // every name in a path is validated as the name it is before any route, permission check or cluster call
  for (const [param, kind] of Object.entries(routeParamKinds)) {
    router.param(param, (_req, _res, next, value) => {
      try {
        assertName(kind, value);
        next();
      } catch (error) {
        next(error);
      }
    });
  }
  // the request is remembered under its credentials so audit events name the user who asked
  const credentialsOf = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req);
    runner.auditRequests.remember(credentials, req);
    await options.viewers?.seen(credentials);
    return credentials;
  };
  const queryDryRun = (req: express.Request) =>
    req.query.dryRun === 'true' || req.query.dryRun === 'All';
  const vmRef = (req: express.Request) => ({
    cluster: req.params.cluster,
    namespace: req.params.namespace,
    name: req.params.name,
  });

  router.get('/clusters', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json({ items: await reads.clusterStatuses(credentials) });
  });

  router.get('/clusters/:cluster/namespaces', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json({
      items: await reads.creatableNamespaces(req.params.cluster, credentials),
    });
  });

  router.get('/clusters/:cluster/instancetypes', async (req, res) => {
    await credentialsOf(req);
    const { namespace } = parseInput(pickerQuery, req.query, 'query');
    res.json({
      items: await reads.instancetypes(req.params.cluster, namespace),
    });
  });

  router.get('/clusters/:cluster/preferences', async (req, res) => {
    await credentialsOf(req);
    const { namespace } = parseInput(pickerQuery, req.query, 'query');
    res.json({
      items: await reads.preferences(req.params.cluster, namespace),
    });
  });

  router.get('/clusters/:cluster/goldenimages', async (req, res) => {
    await credentialsOf(req);
    res.json({ items: await reads.goldenImages(req.params.cluster) });
  });

  router.get('/vms', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(
      await reads.list(
        parseInput(listVmsQuery, req.query, 'query'),
        credentials,
      ),
    );
  });

  router.post('/vms', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.status(201).json(await createUpdate.create(req.body, credentials));
  });

  router.get('/vms/:cluster/:namespace/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(await reads.get(req.params, credentials));
  });

  router.put('/vms/:cluster/:namespace/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(await createUpdate.update(vmRef(req), req.body, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/snapshots', async (req, res) => {
    const credentials = await credentialsOf(req);
    res
      .status(201)
      .json(await snapshots.snapshot(vmRef(req), req.body, credentials));
  });

  router.delete(
    '/vms/:cluster/:namespace/:name/snapshots/:snapshot',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res
        .status(202)
        .json(
          await snapshots.deleteSnapshot(
            vmRef(req),
            req.params.snapshot,
            { dryRun: queryDryRun(req) },
            credentials,
          ),
        );
    },
  );

  router.post('/vms/:cluster/:namespace/:name/restores', async (req, res) => {
    const credentials = await credentialsOf(req);
    res
      .status(201)
      .json(await snapshots.restore(vmRef(req), req.body, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/clone', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.status(201).json(await clones.clone(vmRef(req), req.body, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/volumes', async (req, res) => {
    const credentials = await credentialsOf(req);
    res
      .status(202)
      .json(await disks.addVolume(vmRef(req), req.body, credentials));
  });

  router.delete(
    '/vms/:cluster/:namespace/:name/volumes/:volume',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res
        .status(202)
        .json(
          await disks.removeVolume(
            vmRef(req),
            req.params.volume,
            { dryRun: queryDryRun(req) },
            credentials,
          ),
        );
    },
  );

  router.post(
    '/vms/:cluster/:namespace/:name/cancelMigration',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res
        .status(202)
        .json(
          await migration.cancelMigration(vmRef(req), req.body, credentials),
        );
    },
  );

  router.get('/clusters/:cluster/templates', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json({
      items: await clones.listSavedVmTemplates(req.params.cluster, credentials),
    });
  });

  router.post(
    '/clusters/:cluster/templates/:namespace/:template/vms',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res
        .status(201)
        .json(
          await clones.createFromSavedVmTemplate(
            req.params,
            req.body,
            credentials,
          ),
        );
    },
  );

  router.post('/clusters/:cluster/nodes/:node/evacuate', async (req, res) => {
    const credentials = await credentialsOf(req);
    res
      .status(202)
      .json(
        await migration.evacuateNode(
          req.params.cluster,
          req.params.node,
          req.body,
          credentials,
        ),
      );
  });

  router.get('/clusters/:cluster/nodes/:node/maintenance', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(
      await nodeMaintenance.status(
        req.params.cluster,
        req.params.node,
        credentials,
      ),
    );
  });

  router.post(
    '/clusters/:cluster/nodes/:node/maintenance',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res
        .status(202)
        .json(
          await nodeMaintenance.start(
            req.params.cluster,
            req.params.node,
            req.body,
            credentials,
          ),
        );
    },
  );

  router.delete(
    '/clusters/:cluster/nodes/:node/maintenance',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res.json(
        await nodeMaintenance.stop(
          req.params.cluster,
          req.params.node,
          { dryRun: queryDryRun(req) },
          credentials,
        ),
      );
    },
  );

  router.post('/vms/bulk', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(await bulk.bulk(req.body, credentials));
  });

  router.post(
    '/vms/:cluster/:namespace/:name/disks/:volume/resize',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res
        .status(202)
        .json(
          await disks.resizeDisk(
            vmRef(req),
            req.params.volume,
            req.body,
            credentials,
          ),
        );
    },
  );

  router.post('/vms/:cluster/:namespace/:name/interfaces', async (req, res) => {
    const credentials = await credentialsOf(req);
    res
      .status(202)
      .json(
        await networkInterfaces.addInterface(vmRef(req), req.body, credentials),
      );
  });

  router.delete(
    '/vms/:cluster/:namespace/:name/interfaces/:interface',
    async (req, res) => {
      const credentials = await credentialsOf(req);
      res
        .status(202)
        .json(
          await networkInterfaces.removeInterface(
            vmRef(req),
            req.params.interface,
            { dryRun: queryDryRun(req) },
            credentials,
          ),
        );
    },
  );

  router.patch('/vms/:cluster/:namespace/:name/resources', async (req, res) => {
    const credentials = await credentialsOf(req);
    res
      .status(202)
      .json(
        await cpuMemory.hotplugResources(vmRef(req), req.body, credentials),
      );
  });

  router.post('/vms/:cluster/:namespace/:name/template', async (req, res) => {
    const credentials = await credentialsOf(req);
    res
      .status(201)
      .json(
        await clones.saveAsSavedVmTemplate(vmRef(req), req.body, credentials),
      );
  });

  router.patch('/vms/:cluster/:namespace/:name/metadata', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(await metadata.updateMetadata(vmRef(req), req.body, credentials));
  });

  router.get('/vms/:cluster/:namespace/:name/diagnostics', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(await diagnostics.diagnostics(vmRef(req), credentials));
  });

  router.get('/vms/:cluster/:namespace/:name/metrics', async (req, res) => {
    const credentials = await credentialsOf(req);
    res.json(await metrics.get(vmRef(req), req.query, credentials));
  });

  // one request, no body of its own: start, stop, forceStop, restart, softReboot, pause, unpause, migrate
  router.post('/vms/:cluster/:namespace/:name/:action', async (req, res) => {
    const credentials = await credentialsOf(req);
    const action = req.params.action as VmAction;
    if (!vmActions.includes(action)) {
      throw new InputError(
        `Unknown action ${action}; one of ${vmActions.join(', ')}`,
      );
    }
    // authorization comes first, inside the service, before the body is looked at
    const { dryRun } = await power.act(
      vmRef(req),
      action,
      req.body,
      credentials,
    );
    res.status(202).json({ accepted: true, action, dryRun });
  });

  router.delete('/vms/:cluster/:namespace/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    const dryRun = queryDryRun(req);
    await power.delete(vmRef(req), { dryRun }, credentials);
    res.status(202).json({ accepted: true, dryRun });
  });

  return router;
}
