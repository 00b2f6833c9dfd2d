import { apiVersionOf, resourceTypes, ResourceType } from '../store/resources';
import { schemaOfKind } from './schemas';

const definitionName = (t: ResourceType) =>
  `${t.group ? t.group.split('.').reverse().join('.') : 'io.k8s.api.core'}.${
    t.version
  }.${t.kind}`;

/** A kind's schema (src/schemas), tagged with its group/version/kind as kubectl looks it up. */
function schemaOf(t: ResourceType) {
  return {
    ...schemaOfKind(t.kind),
    'x-kubernetes-group-version-kind': [
      { group: t.group, version: t.version, kind: t.kind },
    ],
  };
}

/** /openapi/v2 for kubectl's client-side checks and older clients. */
export function openApiV2() {
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: {},
    definitions: Object.fromEntries(
      resourceTypes.map(t => [definitionName(t), schemaOf(t)]),
    ),
  };
}

const gvPath = (t: ResourceType) =>
  t.group ? `apis/${t.group}/${t.version}` : 'api/v1';

export function openApiV3Paths() {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const t of resourceTypes) {
    const p = gvPath(t);
    paths[p] = {
      serverRelativeURL: `/openapi/v3/${p}?hash=${Buffer.from(p)
        .toString('hex')
        .slice(0, 16)}`,
    };
  }
  return { paths };
}

export function openApiV3Group(path: string) {
  const types = resourceTypes.filter(t => gvPath(t) === path);
  if (!types.length) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: Object.fromEntries(
      types.flatMap(t => {
        const gvk = { group: t.group, version: t.version, kind: t.kind };
        const ref = { $ref: `#/components/schemas/${definitionName(t)}` };
        const body = { content: { 'application/json': { schema: ref } } };
        const ok = { '200': body, '201': body };
        // kubectl looks for this parameter to validate fields on the server instead of downloading v2
        const parameters = [
          {
            name: 'dryRun',
            in: 'query',
            schema: { type: 'string', uniqueItems: true },
          },
          {
            name: 'fieldManager',
            in: 'query',
            schema: { type: 'string', uniqueItems: true },
          },
          {
            name: 'fieldValidation',
            in: 'query',
            schema: { type: 'string', uniqueItems: true },
          },
        ];
        const op = (action: string) => ({
          'x-kubernetes-action': action,
          'x-kubernetes-group-version-kind': gvk,
          parameters,
          requestBody: body,
          responses: ok,
        });
        const base = `/${path}/${
          t.namespaced ? 'namespaces/{namespace}/' : ''
        }${t.plural}`;
        return [
          [
            base,
            {
              get: {
                'x-kubernetes-action': 'list',
                'x-kubernetes-group-version-kind': gvk,
                responses: ok,
              },
              post: op('post'),
            },
          ],
          [
            `${base}/{name}`,
            {
              get: {
                'x-kubernetes-action': 'get',
                'x-kubernetes-group-version-kind': gvk,
                responses: ok,
              },
              put: op('put'),
              patch: op('patch'),
            },
          ],
        ];
      }),
    ),
    components: {
      schemas: Object.fromEntries(
        types.map(t => [definitionName(t), schemaOf(t)]),
      ),
    },
  };
}

export { apiVersionOf };
