import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { vmActions, VmAction } from '@internal/plugin-kubevirt-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { ClusterCache } from './cache/ClusterCache';
import { VmService } from './service/VmService';

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

const writeBody = z.object({ dryRun: z.boolean().optional() }).strict();

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
  clusters: Map<string, ClusterCache>;
}) {
  const { httpAuth, vms, clusters } = options;
  const router = Router();
  router.use(express.json());

  router.get('/clusters', async (req, res) => {
    await httpAuth.credentials(req);
    res.json({ items: [...clusters.values()].map(c => c.status()) });
  });

  router.get('/vms', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await vms.list(parse(listQuery, req.query, 'query'), credentials));
  });

  router.get('/vms/:cluster/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await vms.get(req.params, credentials));
  });

  router.post('/vms/:cluster/:namespace/:name/:action', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const action = req.params.action as VmAction;
    if (!vmActions.includes(action)) {
      throw new InputError(`Unknown action ${action}; one of ${vmActions.join(', ')}`);
    }
    const { cluster, namespace, name } = req.params;
    // authorization comes first, inside the service, before the body is looked at
    await vms.authorize({ cluster, namespace, name }, action, credentials);
    const body = parse(writeBody, req.body, 'request body');
    await vms.act({ cluster, namespace, name }, action, body, credentials);
    res.status(202).json({ accepted: true, action, dryRun: !!body.dryRun });
  });

  router.delete('/vms/:cluster/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { cluster, namespace, name } = req.params;
    await vms.authorize({ cluster, namespace, name }, 'delete', credentials);
    const dryRun = req.query.dryRun === 'true' || req.query.dryRun === 'All';
    await vms.delete({ cluster, namespace, name }, { dryRun }, credentials);
    res.status(202).json({ accepted: true, dryRun });
  });

  return router;
}
