import {
  kubernetesNameKinds,
  vmActions,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { z } from 'zod';
import { routeParamKinds } from '../service/names';
import { contractRoutes, ContractRoute } from './routes';
import { errorBody } from './responses';
import { named, openApiSchemas } from './registry';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

const description = `The KubeVirt broker: the one part of the portal that talks to clusters.
Reads come from per-cluster watch caches; every write authorizes its
permission first (403 before validation or any cluster call), then
validates its body (400 naming the field), then calls the cluster, and is
audited. Every write accepts dryRun (the cluster gets dryRun=All and
persists nothing). Errors name the cluster and VM.

Before any of that, every name a request carries (path parameters,
body fields and query filters naming a cluster, namespace, VM,
snapshot, template, volume, interface, node, claim, instancetype,
preference or golden image) is validated as the Kubernetes name it is
(DNS-1123 label for namespaces, volumes and interfaces, DNS-1123
subdomain for objects; a configured cluster name): anything else is 400
and reaches neither the permission check nor the cluster. A request
with a body in any media type other than application/json is 415 and
nothing runs.

Not in \`paths\` (websockets): \`GET /vms/{cluster}/{namespace}/{name}/console\`
and \`.../vnc\`, upgraded to a WebSocket that is proxied to the VMI's
\`console\`/\`vnc\` subresource. Subprotocols: \`plain.kubevirt.io\` and
\`base64url.bearer.authorization.backstage.io.<base64url(Backstage token)>\`
(or an \`Authorization: Bearer\` header); binary frames both ways. No or a
bad token: HTTP 401. Otherwise the socket opens, and a refusal closes it
with 4000 + the HTTP status (4403 no kubevirt.vm.console, 4404 no such VM
or instance, 4400 not running / no device, 4409 wrong state, 4503 cluster
unreachable) and the message as reason. The cluster closing (VM stopped)
closes the browser's socket, and the other way round.

Generated from src/schema/routes.ts (yarn openapi:generate); do not edit by hand.
`;

/** A schema's id in the registry, giving anonymous route schemas a name of their route's. */
function idOf(schema: z.ZodType, fallback: string): string {
  const id = openApiSchemas.get(schema)?.id;
  if (id) return id;
  named(fallback, schema);
  return fallback;
}

const pascal = (s: string) => s[0].toUpperCase() + s.slice(1);

/** A path parameter: the Kubernetes name kind it carries, or the action enum. */
function pathParameter(name: string) {
  if (name === 'action')
    return {
      name,
      in: 'path',
      required: true,
      schema: { type: 'string', enum: [...vmActions] },
    };
  const kind = kubernetesNameKinds[routeParamKinds[name]];
  if (!kind) throw new Error(`route parameter ${name} has no name kind`);
  return {
    name,
    in: 'path',
    required: true,
    schema: {
      type: 'string',
      maxLength: kind.maxLength,
      pattern: kind.pattern.source,
    },
  };
}

type JsonSchema = Record<string, any>;

/** The query parameters of a route, one per property of its query schema. */
function queryParameters(
  route: ContractRoute,
  schemas: Record<string, JsonSchema>,
) {
  if (!route.query) return [];
  const query = schemas[idOf(route.query, `${pascal(route.operationId)}Query`)];
  const properties: [string, JsonSchema][] = Object.entries(
    query.properties ?? {},
  );
  return properties.map(([name, schema]) => {
    const { description: text, ...rest } = schema;
    return {
      name,
      in: 'query',
      required: (query.required ?? []).includes(name),
      schema: rest,
      ...(text ? { description: text } : {}),
    };
  });
}

/**
 * The OpenAPI document of the broker's REST API, from the route table and
 * the zod schemas the broker validates with: request bodies and queries as
 * zod accepts them (input), responses as the broker answers them (output).
 */
export function buildOpenApiDocument() {
  const requestIds = new Set<string>();
  const responseIds = new Set<string>(['ErrorBody']);
  const queryIds = new Set<string>();
  for (const route of contractRoutes) {
    const name = pascal(route.operationId);
    if (route.body) requestIds.add(idOf(route.body.schema, `${name}Request`));
    if (route.query) queryIds.add(idOf(route.query, `${name}Query`));
    for (const [status, response] of Object.entries(route.responses))
      responseIds.add(idOf(response.schema, `${name}Response${status}`));
  }
  idOf(errorBody, 'ErrorBody');
  const convert = (io: 'input' | 'output') =>
    z.toJSONSchema(openApiSchemas, {
      target: 'openapi-3.0',
      io,
      metadata: openApiSchemas,
      uri: id => `#/components/schemas/${id}`,
      unrepresentable: 'any',
      // an int's safe-integer bounds say nothing a reader needs
      override: ({ jsonSchema }) => {
        if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER)
          delete jsonSchema.minimum;
        if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER)
          delete jsonSchema.maximum;
      },
    }).schemas as Record<string, JsonSchema>;
  const input = convert('input');
  const output = convert('output');
  const components: Record<string, JsonSchema> = {};
  const take = (ids: Set<string>, from: Record<string, JsonSchema>) => {
    for (const id of ids) components[id] = from[id];
  };
  // a request schema may refer to named parts of its own, and a response to its own
  const closure = (ids: Set<string>, from: Record<string, JsonSchema>) => {
    const all = new Set(ids);
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') {
            const id = v.split('/').pop()!;
            if (!all.has(id)) {
              all.add(id);
              walk(from[id]);
            }
          } else walk(v);
        }
      }
    };
    ids.forEach(id => walk(from[id]));
    return all;
  };
  take(closure(requestIds, input), input);
  take(closure(responseIds, output), output);
  for (const schema of Object.values(components)) delete schema.$id;

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of contractRoutes) {
    const name = pascal(route.operationId);
    const parameters = [
      ...[...route.path.matchAll(/\{(\w+)\}/g)].map(m => pathParameter(m[1])),
      ...queryParameters(route, input),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        content: {
          'application/json': {
            schema: ref(idOf(response.schema, `${name}Response${status}`)),
          },
        },
      };
    }
    responses.default = {
      description:
        "400 InputError (bad input, or the cluster refused it as Invalid or BadRequest, e.g. an unknown field in a manifest), 403 NotAllowedError, 404 NotFoundError, 409 ConflictError (Conflict, AlreadyExists, the VM is in the wrong state or already being deleted, or the cluster is configured not to perform the operation: a feature gate off, with the reason), 415 (a body that is not application/json), 501 NotImplementedError (the cluster does not serve the API the operation needs, with the reason), 503 ServiceUnavailableError (cluster down or timing out, KubeVirt's API unavailable there, or the broker's cache of the cluster cannot tell: not synced or stale).",
      content: { 'application/json': { schema: ref('ErrorBody') } },
    };
    paths[route.path] = {
      ...paths[route.path],
      [route.method]: {
        tags: [route.tag],
        operationId: route.operationId,
        summary: route.summary,
        ...(parameters.length ? { parameters } : {}),
        ...(route.body
          ? {
              requestBody: {
                required: route.body.required,
                content: {
                  'application/json': {
                    schema: ref(idOf(route.body.schema, `${name}Request`)),
                  },
                },
              },
            }
          : {}),
        responses,
      },
    };
  }
  for (const id of queryIds) delete components[id];

  return {
    openapi: '3.0.3',
    info: {
      title: 'kubevirt',
      version: '1.0.0',
      description,
      license: { name: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    security: [{ JWT: [] }],
    tags: [{ name: 'clusters' }, { name: 'vms' }, { name: 'pickers' }],
    paths,
    components: {
      securitySchemes: {
        JWT: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      schemas: Object.fromEntries(
        Object.entries(components).sort(([a], [b]) => a.localeCompare(b)),
      ),
    },
  };
}
