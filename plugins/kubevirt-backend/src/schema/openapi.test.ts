import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createRouter } from '../router';

const spec = parse(fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'));
const methods = ['get', 'post', 'put', 'patch', 'delete'];

/** Every `METHOD /path` the express router serves, with :params written as OpenAPI's {params}. */
function routerRoutes(): string[] {
  const router = createRouter({ httpAuth: {} as any, vms: {} as any, writes: {} as any, reads: {} as any, clusters: new Map(), metrics: {} as any, operations: {} as any });
  return (router as any).stack
    .filter((layer: any) => layer.route)
    .flatMap((layer: any) =>
      Object.keys(layer.route.methods)
        .filter(m => methods.includes(m))
        .map(m => `${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`),
    )
    .sort();
}

function specRoutes(): string[] {
  return Object.entries(spec.paths as Record<string, Record<string, unknown>>)
    .flatMap(([p, item]) => Object.keys(item).filter(m => methods.includes(m)).map(m => `${m.toUpperCase()} ${p}`))
    .sort();
}

describe('openapi.yaml', () => {
  it('documents exactly the routes the router serves', () => {
    expect(specRoutes()).toEqual(routerRoutes());
  });

  it('declares every path parameter of every route', () => {
    for (const [p, item] of Object.entries(spec.paths as Record<string, any>)) {
      const wanted = [...p.matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort();
      const resolve = (param: any) => (param.$ref ? spec.components.parameters[param.$ref.split('/').pop()] : param);
      const declared = (item.parameters ?? []).map(resolve).filter((x: any) => x.in === 'path').map((x: any) => x.name).sort();
      expect([p, declared]).toEqual([p, wanted]);
    }
  });

  it('has no dangling $ref', () => {
    const refs: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    };
    walk(spec);
    const missing = refs.filter(ref => ref.replace(/^#\//, '').split('/').reduce((o: any, key) => o?.[key], spec) === undefined);
    expect(missing).toEqual([]);
    expect(refs.length).toBeGreaterThan(20);
  });
});
