import { parseEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';
import { kubeName } from '../service/schemas';
import { documented } from './registry';

const entityRef = documented(
  z.string().refine(
    value => {
      try {
        parseEntityRef(value);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an entity ref such as component:default/payments-api' },
  ),
  {
    description:
      'An entity ref; its backstage.io/kubernetes-id selects the VMs.',
  },
);

/** GET /vms: filters, sort and page. */
export const listVmsQuery = z.object({
  entity: entityRef.optional(),
  kubernetesId: z.string().optional(),
  cluster: kubeName('cluster').optional(),
  namespace: kubeName('namespace').optional(),
  labelSelector: z.string().optional(),
  status: documented(
    z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform(v =>
        v === undefined
          ? undefined
          : ([] as string[]).concat(v).flatMap(s => s.split(',')),
      ),
    { description: 'Comma-separated printable statuses.' },
  ),
  text: z.string().optional(),
  sort: z
    .enum(['name', 'namespace', 'cluster', 'status', 'created'])
    .optional(),
  order: z.enum(['asc', 'desc']).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

/** The pickers (instancetypes, preferences): namespaced items of this namespace too. */
export const pickerQuery = z.object({
  namespace: documented(z.string().optional(), {
    description: 'Only namespaced items of this namespace.',
  }),
});

/** GET .../metrics: the time range of the series. */
export const metricsQuery = z
  .object({ range: z.enum(['15m', '1h', '6h']).optional() })
  .strict();

/** DELETE routes: dryRun as a query parameter (a DELETE has no body). */
export const dryRunQuery = z.object({
  dryRun: documented(z.string().optional(), {
    description:
      "'true' or 'All': the cluster validates and persists nothing; any other value runs it.",
  }),
});
