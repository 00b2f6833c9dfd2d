import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { vmActions, VmAction } from '@internal/plugin-kubevirt-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ClusterCache } from './cache/ClusterCache';
import { VmMetrics } from './metrics/VmMetrics';
import { VmOperations } from './service/VmOperations';
import { ClusterReads } from './service/ClusterReads';
import { VmService } from './service/VmService';
import { VmWrites } from './service/VmWrites';

const listQuery = z.object({
  entity: z.string().optional(),
  kubernetesId: z.string().optional(),
  cluster: z.string().optional(),
  namespace: z.string().optional(),
  labelSelector: z.string().optional(),
  status: z.union([z.string(), z.array(z.string())]).optional().transform(v => (v === undefined ? undefined : ([] as string[]).concat(v).flatMap(s => s.split(',')))),
  text: z.string().optional(),
  sort: z.enum(['name', 'namespace', 'cluster', 'status', 'created']).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw new InputError(`Invalid ${what}: ${result.error.issues.map(i => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

/** Maps HTTP to the VM service; nothing here talks to a cluster. */
export function createRouter(options: {
  httpAuth: HttpAuthService;
  vms: VmService;
  writes: VmWrites;
  reads: ClusterReads;
  clusters: Map<string, ClusterCache>;
  metrics: VmMetrics;
  operations: VmOperations;
}) {
  const { httpAuth, vms, writes, reads, clusters, metrics, operations } = options;
  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  const queryDryRun = (req: express.Request) => req.query.dryRun === 'true' || req.query.dryRun === 'All';
  const vmRef = (req: express.Request) => ({ cluster: req.params.cluster, namespace: req.params.namespace, name: req.params.name });
  const clusterCache = (name: string) => {
    const cache = clusters.get(name);
    if (!cache) throw new NotFoundError(`No cluster named ${name}`);
    return cache;
  };
  const pickerQuery = z.object({ namespace: z.string().optional() });

  router.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req);
    res.json({ items: [...clusters.values()].map(c => c.status()) });
  });

  router.get('/clusters/:cluster/namespaces', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json({ items: await writes.creatableNamespaces(req.params.cluster, credentials) });
  });

  router.get('/clusters/:cluster/instancetypes', async (req, res) => {
    await httpAuth.credentials(req);
    const { namespace } = parse(pickerQuery, req.query, 'query');
    const cache = clusterCache(req.params.cluster);
    res.json({ items: await writes.clusterRead(cache.name, () => reads.instancetypes(cache, namespace)) });
  });

  router.get('/clusters/:cluster/preferences', async (req, res) => {
    await httpAuth.credentials(req);
    const { namespace } = parse(pickerQuery, req.query, 'query');
    const cache = clusterCache(req.params.cluster);
    res.json({ items: await writes.clusterRead(cache.name, () => reads.preferences(cache, namespace)) });
  });

  router.get('/clusters/:cluster/goldenimages', async (req, res) => {
    await httpAuth.credentials(req);
    const cache = clusterCache(req.params.cluster);
    res.json({ items: await writes.clusterRead(cache.name, () => reads.goldenImages(cache)) });
  });

  router.get('/vms', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await vms.list(parse(listQuery, req.query, 'query'), credentials));
  });

  router.post('/vms', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(201).json(await writes.create(req.body, credentials));
  });

  router.get('/vms/:cluster/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await vms.get(req.params, credentials));
  });

  router.put('/vms/:cluster/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await writes.update(vmRef(req), req.body, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/snapshots', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(201).json(await writes.snapshot(vmRef(req), req.body, credentials));
  });

  router.delete('/vms/:cluster/:namespace/:name/snapshots/:snapshot', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(202).json(await writes.deleteSnapshot(vmRef(req), req.params.snapshot, { dryRun: queryDryRun(req) }, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/restores', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(201).json(await writes.restore(vmRef(req), req.body, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/clone', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(201).json(await writes.clone(vmRef(req), req.body, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/volumes', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(202).json(await writes.addVolume(vmRef(req), req.body, credentials));
  });

  router.delete('/vms/:cluster/:namespace/:name/volumes/:volume', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(202).json(await writes.removeVolume(vmRef(req), req.params.volume, { dryRun: queryDryRun(req) }, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/cancelMigration', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(202).json(await writes.cancelMigration(vmRef(req), req.body, credentials));
  });

  router.get('/clusters/:cluster/templates', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json({ items: await operations.listTemplates(req.params.cluster, credentials) });
  });

  router.post('/clusters/:cluster/templates/:namespace/:template/vms', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(201).json(await operations.createFromTemplate(req.params, req.body, credentials));
  });

  router.post('/clusters/:cluster/nodes/:node/evacuate', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(202).json(await operations.evacuateNode(req.params.cluster, req.params.node, req.body, credentials));
  });

  router.post('/vms/bulk', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await operations.bulk(req.body, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/disks/:volume/resize', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(202).json(await operations.resizeDisk(vmRef(req), req.params.volume, req.body, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/interfaces', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(202).json(await operations.addInterface(vmRef(req), req.body, credentials));
  });

  router.delete('/vms/:cluster/:namespace/:name/interfaces/:interface', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(202).json(await operations.removeInterface(vmRef(req), req.params.interface, { dryRun: queryDryRun(req) }, credentials));
  });

  router.patch('/vms/:cluster/:namespace/:name/resources', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(202).json(await operations.hotplugResources(vmRef(req), req.body, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/template', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.status(201).json(await operations.saveAsTemplate(vmRef(req), req.body, credentials));
  });

  router.get('/vms/:cluster/:namespace/:name/metrics', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await metrics.get(vmRef(req), req.query, credentials));
  });

  // one request, no body of its own: start, stop, forceStop, restart, pause, unpause, migrate
  router.post('/vms/:cluster/:namespace/:name/:action', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const action = req.params.action as VmAction;
    if (!vmActions.includes(action)) {
      throw new InputError(`Unknown action ${action}; one of ${vmActions.join(', ')}`);
    }
    // authorization comes first, inside the service, before the body is looked at
    const { dryRun } = await vms.act(vmRef(req), action, req.body, credentials);
    res.status(202).json({ accepted: true, action, dryRun });
  });

  router.delete('/vms/:cluster/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const dryRun = queryDryRun(req);
    await vms.delete(vmRef(req), { dryRun }, credentials);
    res.status(202).json({ accepted: true, dryRun });
  });

  return router;
}
