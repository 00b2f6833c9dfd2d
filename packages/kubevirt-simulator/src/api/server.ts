import http from 'node:http';
import { applyPatch, Operation } from 'fast-json-patch';
import { authenticate, authorize, UserInfo } from '../auth/auth';
import { impersonate } from '../auth/impersonation';
import { isReviewType } from '../auth/reviewTypes';
import { review } from '../auth/reviews';
import { authorizePath, isNonResourcePath } from '../auth/ruleResolver';
import { ConsoleServer } from '../console/consoleServer';
import { PrometheusApi } from '../metrics/prometheusApi';
import { errors, StatusError } from './errors';
import { FaultController } from '../faults';
import {
  apiResourceList,
  apiVersionOf,
  findResourceType,
  groupVersions,
  kubevirtSubresources,
  ResourceType,
  resourceTypeOfKind,
} from '../store/resources';
import {
  parseFieldSelector,
  parseLabelSelector,
  matchesFields,
  matchesLabels,
} from './selectors';
import { MIGRATION_FINALIZER } from '../kubevirt/lifecycle/vmStatus';
import { KubeObject, Store, StoreEvent } from '../store/store';
import { deletedResponse, propagationPolicyOf } from '../store/deletion';
import { admitCreateInNamespace } from './namespaceLifecycle';
import { checkTypeMeta, requireResourceVersion } from './typeMeta';
import { failedPatchTest } from './jsonPatchErrors';
import { parseResourceVersion } from '../store/resourceVersion';
import { rejectMigration, runSubresource } from '../kubevirt/subresources';
import {
  GuestAgentError,
  guestAgentAnswer,
  isGuestAgentSubresource,
} from '../kubevirt/guestAgent';
import { admitCreate, admitSubresource } from '../kubevirt/clusterFeatures';
import { admitKubevirt } from '../kubevirt/webhookAdmission';
import { toTable, wantsTable } from './table';
import { parseLogQuery, podLog } from './podLogs';
import { validate } from './validation';
import { checkFields } from './fieldValidation';
import { PatchError, strategicMergePatch } from './strategicMergePatch';
import { openApiV2, openApiV3Group, openApiV3Paths } from './openapi';
import {
  checkAccept,
  decodeObjectBody,
  decodeOptionsBody,
  parseJson,
  readBodyBytes,
} from './requestBody';
import {
  APPLY_PATCH,
  applyPatchBody,
  checkPatchOptions,
  fieldManagerOf,
  withUpdateFields,
} from './apply/applyRequest';

const SUBRESOURCE_GROUP = 'subresources.kubevirt.io';

export interface ServerDeps {
  store: Store;
  users: Record<string, UserInfo>;
  faults: FaultController;
  adminToken: string;
  reset(): Promise<void>;
  /** The VMI console and vnc subresources (WebSocket upgrades arrive through the server's 'upgrade' event). */
  consoles?: ConsoleServer;
  /** The Prometheus HTTP API under /prometheus (no authentication, like a plain Prometheus). */
  prometheus?: PrometheusApi;
  /** API groups of parts this cluster has not installed (e.g. CDI): absent from discovery, 404 on their paths. */
  hiddenGroups?: Set<string>;
}

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPath: boolean;
}

function send(res: http.ServerResponse, code: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: http.ServerResponse, error: unknown) {
  const e =
    error instanceof StatusError
      ? error
      : errors.internal(String((error as Error)?.message ?? error));
  if (res.headersSent) {
    res.end();
    return;
  }
  // as responsewriters.ErrorNegotiated: a Status asking for a wait says so in the header too
  const retryAfter = Number(e.details?.retryAfterSeconds ?? 0);
  if (retryAfter > 0) res.setHeader('Retry-After', String(retryAfter));
  send(res, e.code, e.toStatus());
}

/** A plain-text answer of the apiserver's own handlers (http.Error), not a Status. */
function sendText(res: http.ServerResponse, code: number, text: string) {
  res.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(`${text}\n`);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  return (await readBodyBytes(req)).toString('utf8');
}

const readObject = async (req: http.IncomingMessage, type: ResourceType) =>
  decodeObjectBody(type, req.headers['content-type'], await readBodyBytes(req));

/** Resolves a resource URL to its type, namespace, name and subresource. */
function route(parts: string[], hidden?: Set<string>): Route | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') {
    group = '';
    version = 'v1';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // /namespaces/{ns}/{plural}/... ; /namespaces/{name}[/status] is the Namespace itself
  if (
    rest[0] === 'namespaces' &&
    rest.length >= 3 &&
    rest[2] !== 'status' &&
    rest[2] !== 'finalize'
  ) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = findResourceType(group, version, rest[0]);
  if (!type || hidden?.has(type.group)) return undefined;
  if (type.namespaced === false && namespace !== undefined) return undefined;
  return { type, namespace, name: rest[1], subresource: rest[2], watchPath };
}

export function createHandler(deps: ServerDeps) {
  const { store, faults } = deps;

  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    try {
      if (faults.isDown()) {
        req.socket.destroy();
        return;
      }
      await faults.delay();
      if (parts[0] === 'simulator') {
        await adminEndpoint(req, res, parts, deps);
        return;
      }
      if (parts[0] === 'prometheus' && deps.prometheus) {
        await deps.prometheus.handle(req, res);
        return;
      }
      const user = impersonate(
        store,
        authenticate(req.headers.authorization, deps.users),
        req.headersDistinct,
      );
      const method = req.method ?? 'GET';
      if (isNonResourcePath(parts))
        authorizePath(store, user, method.toLowerCase(), url.pathname);
      if (['healthz', 'readyz', 'livez'].includes(parts[0])) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return;
      }
      if (parts[0] === 'version' && parts.length === 1) {
        send(res, 200, {
          major: '1',
          minor: '32',
          gitVersion: 'v1.32.0-kubevirt-simulator',
          gitCommit: 'simulator',
          gitTreeState: 'clean',
          buildDate: '2026-01-01T00:00:00Z',
          goVersion: 'go1.23.4',
          compiler: 'gc',
          platform: 'linux/amd64',
        });
        return;
      }
      const virtApiAbsent = parts[0] === 'apis' && faults.subresourcesAnswer();
      if (
        virtApiAbsent &&
        parts[1] === SUBRESOURCE_GROUP &&
        (parts.length <= 3 || parts.length === 8)
      ) {
        sendText(res, virtApiAbsent.code, virtApiAbsent.text);
        return;
      }
      if (
        method === 'GET' &&
        (await discovery(
          res,
          parts,
          url,
          req.headers.accept,
          deps.hiddenGroups,
          // an APIService that is registered is listed, whether or not its server answers
          faults.get().subresourcesDown !== 'missing',
        ))
      )
        return;

      if (
        method === 'GET' &&
        deps.consoles &&
        parts.length === 9 &&
        parts[1] === SUBRESOURCE_GROUP &&
        parts[3] === 'namespaces' &&
        parts[5] === 'virtualmachineinstances' &&
        parts[7] === 'vnc' &&
        parts[8] === 'screenshot'
      ) {
        const png = deps.consoles.screenshot(user, parts[4], parts[6]);
        res.writeHead(200, {
          'Content-Type': 'image/png',
          'Content-Length': png.length,
        });
        res.end(png);
        return;
      }
      // KubeVirt's aggregated subresource API
      if (
        parts[0] === 'apis' &&
        parts[1] === SUBRESOURCE_GROUP &&
        parts[3] === 'namespaces' &&
        parts.length === 8
      ) {
        const [, , , , namespace, plural, name, sub] = parts;
        if (
          plural !== 'virtualmachines' &&
          plural !== 'virtualmachineinstances'
        )
          throw errors.notFound(SUBRESOURCE_GROUP, plural, name);
        if (
          plural === 'virtualmachineinstances' &&
          (sub === 'console' || sub === 'vnc') &&
          method === 'GET' &&
          deps.consoles
        ) {
          deps.consoles.refusePlainRequest(user, namespace, name, sub);
        }
        if (
          plural === 'virtualmachineinstances' &&
          isGuestAgentSubresource(sub)
        ) {
          if (method !== 'GET') throw errors.methodNotAllowed();
          authorize(store, user, {
            verb: 'get',
            group: SUBRESOURCE_GROUP,
            resource: `${plural}/${sub}`,
            namespace,
            name,
          });
          faults.maybeFail('get');
          try {
            send(res, 200, guestAgentAnswer(store, namespace, name, sub));
          } catch (error) {
            if (!(error instanceof GuestAgentError)) throw error;
            res.writeHead(500, { 'Content-Type': 'text/plain' });
            res.end(error.message);
          }
          return;
        }
        if (method !== 'PUT') throw errors.methodNotAllowed();
        authorize(store, user, {
          verb: 'update',
          group: SUBRESOURCE_GROUP,
          resource: `${plural}/${sub}`,
          namespace,
          name,
        });
        faults.maybeFail('update');
        admitSubresource(store, sub);
        const text = await readBody(req);
        let body: unknown;
        try {
          body = text.trim() ? JSON.parse(text) : {};
        } catch (e) {
          throw errors.badRequest(
            `Can not unmarshal Request body to struct, error: ${
              (e as Error).message
            }`,
          );
        }
        const code = runSubresource(store, plural, namespace, name, sub, body);
        res.writeHead(code);
        res.end();
        return;
      }

      const r = route(parts, deps.hiddenGroups);
      if (!r)
        throw new StatusError(
          404,
          'NotFound',
          'the server could not find the requested resource',
          {},
        );
      if (isReviewType(r.type)) {
        await serveReview(req, res, r, method, user, store);
        return;
      }
      if (r.type.deprecationWarning)
        res.setHeader('Warning', `299 - "${r.type.deprecationWarning}"`);
      if (r.type.kind === 'Pod' && r.subresource === 'log' && r.name) {
        if (method !== 'GET') throw errors.methodNotAllowed();
        authorize(store, user, {
          verb: 'get',
          group: '',
          resource: 'pods/log',
          namespace: r.namespace,
          name: r.name,
        });
        const text = podLog(
          store,
          r.namespace ?? '',
          r.name,
          parseLogQuery(url.searchParams),
        );
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(text);
        return;
      }
      if (
        r.namespace &&
        !store.get(resourceTypeOfKind('Namespace'), undefined, r.namespace) &&
        method === 'POST'
      ) {
        throw errors.notFound('', 'namespaces', r.namespace);
      }
      await serveResource(req, res, r, url, method, user, deps);
    } catch (e) {
      sendError(res, e);
    }
  };
}

async function discovery(
  res: http.ServerResponse,
  parts: string[],
  url: URL,
  accept?: string,
  hidden?: Set<string>,
  subresourcesServed = true,
): Promise<boolean> {
  const path = parts.join('/');
  if (path === 'api') {
    send(res, 200, {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [
        { clientCIDR: '0.0.0.0/0', serverAddress: url.host },
      ],
    });
    return true;
  }
  const groups = [...groupVersions().entries()].filter(
    ([g]) => g !== '' && !hidden?.has(g),
  );
  const groupEntry = (g: string, versions: Set<string>) => {
    const list = [...versions].map(v => ({
      groupVersion: `${g}/${v}`,
      version: v,
    }));
    return { name: g, versions: list, preferredVersion: list[0] };
  };
  const subresourceGroup = {
    name: SUBRESOURCE_GROUP,
    versions: [{ groupVersion: `${SUBRESOURCE_GROUP}/v1`, version: 'v1' }],
    preferredVersion: {
      groupVersion: `${SUBRESOURCE_GROUP}/v1`,
      version: 'v1',
    },
  };
  if (path === 'apis') {
    send(res, 200, {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        ...groups.map(([g, v]) => groupEntry(g, v)),
        ...(subresourcesServed ? [subresourceGroup] : []),
      ],
    });
    return true;
  }
  if (path === 'api/v1') {
    send(res, 200, apiResourceList('', 'v1'));
    return true;
  }
  if (
    parts[0] === 'apis' &&
    parts[1] === SUBRESOURCE_GROUP &&
    parts.length <= 3
  ) {
    if (parts.length === 2)
      send(res, 200, {
        kind: 'APIGroup',
        apiVersion: 'v1',
        ...subresourceGroup,
      });
    else {
      send(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${SUBRESOURCE_GROUP}/v1`,
        resources: [
          ...kubevirtSubresources.virtualmachines
            .filter(s => !s.endsWith('volume'))
            .map(s => ({
              name: `virtualmachines/${s}`,
              namespaced: true,
              kind: '',
              verbs: [],
            })),
          ...kubevirtSubresources.virtualmachineinstances.map(s => ({
            name: `virtualmachineinstances/${s}`,
            namespaced: true,
            kind: '',
            verbs: [],
          })),
        ],
      });
    }
    return true;
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const found = groups.find(([g]) => g === parts[1]);
    if (!found) return false;
    send(res, 200, {
      kind: 'APIGroup',
      apiVersion: 'v1',
      ...groupEntry(found[0], found[1]),
    });
    return true;
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const found = groups.find(([g, v]) => g === parts[1] && v.has(parts[2]));
    if (!found) return false;
    send(res, 200, apiResourceList(parts[1], parts[2]));
    return true;
  }
  if (parts[0] === 'openapi') {
    // clients ask for protobuf first and fall back to JSON on 406
    if (accept && !/json|\*\/\*/.test(accept)) {
      send(
        res,
        406,
        new StatusError(
          406,
          'NotAcceptable',
          `only the following media types are accepted: application/json`,
        ).toStatus(),
      );
      return true;
    }
    if (parts[1] === 'v2') send(res, 200, openApiV2());
    else if (parts[1] === 'v3' && parts.length === 2)
      send(res, 200, openApiV3Paths());
    else if (parts[1] === 'v3') {
      const doc = openApiV3Group(parts.slice(2).join('/'));
      if (!doc) return false;
      send(res, 200, doc);
    } else return false;
    return true;
  }
  return false;
}

/** The review kinds are create-only: the caller needs `create` on the kind, any other verb is 405. */
async function serveReview(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  r: Route,
  method: string,
  user: UserInfo,
  store: Store,
) {
  let verb = 'create';
  if (method !== 'POST') verb = r.name ? 'get' : 'list';
  authorize(store, user, {
    verb,
    group: r.type.group,
    resource: r.type.plural,
    name: r.name,
  });
  if (method !== 'POST' || r.name) throw errors.methodNotAllowed();
  send(
    res,
    201,
    review(store, user, r.type, (await readObject(req, r.type)) ?? {}),
  );
}

async function adminEndpoint(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  parts: string[],
  deps: ServerDeps,
) {
  const m = req.headers.authorization?.match(/^Bearer\s+(.+)$/i);
  if (!m || m[1] !== deps.adminToken) throw errors.unauthorized();
  if (parts[1] === 'faults') {
    if (req.method === 'GET') send(res, 200, deps.faults.get());
    else if (req.method === 'PUT') {
      deps.faults.set(parseJson(await readBody(req)) ?? {});
      send(res, 200, deps.faults.get());
    } else if (req.method === 'DELETE') {
      deps.faults.clear();
      send(res, 200, deps.faults.get());
    } else throw errors.methodNotAllowed();
    return;
  }
  if (parts[1] === 'expire' && req.method === 'POST') {
    deps.faults.forceExpire();
    send(res, 200, { expired: true });
    return;
  }
  if (parts[1] === 'reset' && req.method === 'POST') {
    await deps.reset();
    send(res, 200, { reset: true });
    return;
  }
  throw new StatusError(404, 'NotFound', 'unknown simulator endpoint');
}

const boolParam = (v: string | null) => v === 'true' || v === '1';

async function serveResource(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  r: Route,
  url: URL,
  method: string,
  user: UserInfo,
  deps: ServerDeps,
) {
  const { store, faults } = deps;
  const { type, namespace, name, subresource } = r;
  const q = url.searchParams;
  checkAccept(req.headers.accept);
  const dryRun = q.getAll('dryRun').includes('All');
  const resourceName = subresource
    ? `${type.plural}/${subresource}`
    : type.plural;
  const check = (verb: string) => {
    authorize(store, user, {
      verb,
      group: type.group,
      resource: resourceName,
      namespace,
      name,
    });
    faults.maybeFail(verb);
  };
  // apiextensions' crdHandler: a subresource the CRD does not declare is 404 on the object's name
  if (subresource && !(type.subresources ?? []).includes(subresource))
    throw errors.notFound(type.group, type.plural, name ?? '');

  if (method === 'GET' && !name) {
    const watch = r.watchPath || boolParam(q.get('watch'));
    const labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
    const fields = parseFieldSelector(
      q.get('fieldSelector') ?? undefined,
      type.kind,
    );
    const limit = Number(q.get('limit') ?? 0) || undefined;
    if (watch) {
      check('watch');
      faults.checkStorageReady({ watch: true, delegable: false });
      watchStream(req, res, r, q, labels, fields, deps);
      return;
    }
    check('list');
    faults.checkStorageReady({
      watch: false,
      delegable: !!limit && !q.get('labelSelector') && !q.get('fieldSelector'),
    });
    const list = store.list(type, {
      namespace,
      labels,
      fields,
      limit,
      continueToken: q.get('continue') ?? undefined,
    });
    if (wantsTable(req.headers.accept)) {
      send(
        res,
        200,
        toTable(
          type,
          list.items,
          list.resourceVersion,
          true,
          list.continueToken,
        ),
      );
      return;
    }
    send(res, 200, {
      kind: `${type.kind}List`,
      apiVersion: apiVersionOf(type),
      metadata: {
        resourceVersion: list.resourceVersion,
        ...(list.continueToken
          ? { continue: list.continueToken, remainingItemCount: list.remaining }
          : {}),
      },
      items: list.items,
    });
    return;
  }
  if (method === 'GET') {
    check('get');
    const obj = store.mustGet(type, namespace, name!);
    if (wantsTable(req.headers.accept))
      send(res, 200, toTable(type, [obj], obj.metadata.resourceVersion!));
    else send(res, 200, obj);
    return;
  }
  if (method === 'POST' && !name) {
    check('create');
    const body = (await readObject(req, type)) as KubeObject;
    if (!body || typeof body !== 'object')
      throw errors.badRequest('the request body is empty');
    checkFields(type, body, q, res);
    const obj = prepareIncoming(type, body, namespace);
    validate(type, obj);
    admitKubevirt(store, type, obj, 'create');
    admitCreate(store, obj);
    admitCreateInNamespace(store, type, obj);
    if (type.kind === 'VirtualMachineInstanceMigration') {
      const vmi = store.get(
        resourceTypeOfKind('VirtualMachineInstance'),
        namespace,
        obj.spec?.vmiName,
      );
      if (!vmi)
        throw errors.badRequest(
          `admission webhook "migration-create-validator.kubevirt.io" denied the request: the VMI "${namespace}/${obj.spec?.vmiName}" does not exist`,
        );
      rejectMigration(store, vmi, msg =>
        errors.badRequest(
          `admission webhook "migration-create-validator.kubevirt.io" denied the request: ${msg}`,
        ),
      );
      obj.metadata.labels = {
        ...obj.metadata.labels,
        'kubevirt.io/vmi-name': obj.spec.vmiName,
      };
      // virt-api's mutating webhook gives every migration the finalizer the controller removes once it is final
      obj.metadata.finalizers = [
        ...new Set([...(obj.metadata.finalizers ?? []), MIGRATION_FINALIZER]),
      ];
      obj.status = { phase: 'Pending' };
    }
    const created = store.create(
      type,
      withUpdateFields(type, undefined, obj, fieldManagerOf(q, req)),
      { dryRun },
    );
    send(res, 201, created);
    return;
  }
  if (method === 'PUT' && name) {
    check('update');
    const body = (await readObject(req, type)) as KubeObject;
    if (!body?.metadata) throw errors.badRequest('the request body is empty');
    if (body.metadata.name !== name)
      throw errors.badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    checkFields(type, body, q, res);
    const obj = prepareIncoming(type, body, namespace);
    requireResourceVersion(type, obj);
    validate(type, obj);
    if (!subresource) admitKubevirt(store, type, obj, 'update');
    send(
      res,
      200,
      store.update(
        type,
        withUpdateFields(
          type,
          store.get(type, namespace, name),
          obj,
          fieldManagerOf(q, req),
          subresource,
        ),
        {
          dryRun,
          subresource: subresource === 'status' ? 'status' : undefined,
        },
      ),
    );
    return;
  }
  if (method === 'PATCH' && name) {
    check('patch');
    const contentType = (req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    checkPatchOptions(contentType, q);
    const apply = contentType === APPLY_PATCH;
    const current = apply
      ? store.get(type, namespace, name)
      : store.mustGet(type, namespace, name);
    const text = await readBody(req);
    const patched = apply
      ? applyPatchBody(type, current, text, q, name, subresource)
      : withUpdateFields(
          type,
          current,
          patchObject(type, current!, contentType, text),
          fieldManagerOf(q, req),
          subresource,
        );
    checkFields(type, patched, q, res);
    validate(type, patched);
    if (!subresource)
      admitKubevirt(store, type, patched, current ? 'update' : 'create');
    if (!current) {
      // apply creates what is not there, with the create permission too (handlers/patch.go)
      check('create');
      const obj = prepareIncoming(type, patched, namespace);
      send(res, 201, store.create(type, obj, { dryRun }));
      return;
    }
    send(
      res,
      200,
      store.update(
        type,
        {
          ...patched,
          metadata: {
            ...patched.metadata,
            resourceVersion:
              patched.metadata.resourceVersion ??
              current.metadata.resourceVersion,
          },
        },
        {
          dryRun,
          subresource: subresource === 'status' ? 'status' : undefined,
        },
      ),
    );
    return;
  }
  if (method === 'DELETE') {
    const body =
      decodeOptionsBody(
        req.headers['content-type'],
        await readBodyBytes(req),
      ) ?? {};
    const propagationPolicy = propagationPolicyOf(
      body.propagationPolicy ??
        q.get('propagationPolicy') ??
        (body.orphanDependents === true ? 'Orphan' : undefined),
    );
    const isDry = dryRun || (body.dryRun ?? []).includes('All');
    if (!name) {
      check('deletecollection');
      const labels = parseLabelSelector(q.get('labelSelector') ?? undefined);
      const fields = parseFieldSelector(
        q.get('fieldSelector') ?? undefined,
        type.kind,
      );
      const items = store.list(type, { namespace, labels, fields }).items;
      for (const item of items)
        store.delete(type, item.metadata.namespace, item.metadata.name, {
          dryRun: isDry,
          propagationPolicy,
        });
      send(res, 200, {
        kind: `${type.kind}List`,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: store.resourceVersion },
        items,
      });
      return;
    }
    check('delete');
    const outcome = store.deleteObject(type, namespace, name, {
      dryRun: isDry,
      propagationPolicy,
      preconditionUid: body.preconditions?.uid,
      preconditionResourceVersion: body.preconditions?.resourceVersion,
    });
    // handlers/delete.go: 200 either way; the object while finalizers hold it
    send(
      res,
      200,
      outcome.removed ? deletedResponse(type, outcome.object) : outcome.object,
    );
    return;
  }
  throw errors.methodNotAllowed();
}

function prepareIncoming(
  type: ResourceType,
  body: KubeObject,
  namespace: string | undefined,
): KubeObject {
  checkTypeMeta(type, body);
  const metadata = { ...(body.metadata ?? {}) } as KubeObject['metadata'];
  if (type.namespaced) {
    if (metadata.namespace && namespace && metadata.namespace !== namespace) {
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    metadata.namespace = namespace ?? metadata.namespace;
  }
  return { ...body, apiVersion: apiVersionOf(type), kind: type.kind, metadata };
}

function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch))
    return patch;
  const out =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...target }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function patchObject(
  type: ResourceType,
  current: KubeObject,
  contentType: string,
  text: string,
): KubeObject {
  let patch: any;
  try {
    patch = JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  const base = JSON.parse(JSON.stringify(current));
  switch (contentType) {
    case 'application/merge-patch+json':
      return mergePatch(base, patch);
    case 'application/strategic-merge-patch+json':
      // custom resources have no patch strategy metadata, so the apiserver refuses
      if (!type.builtin) throw errors.unsupportedMediaType(contentType);
      try {
        return strategicMergePatch(base, patch) as KubeObject;
      } catch (e) {
        if (e instanceof PatchError) throw errors.badRequest(e.message);
        throw e;
      }
    case 'application/json-patch+json':
      if (!Array.isArray(patch))
        throw errors.badRequest(
          'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
        );
      try {
        return applyPatch(base, patch as Operation[], true, false).newDocument;
      } catch (e) {
        const err = e as Error & { name: string };
        if (err.name === 'TEST_OPERATION_FAILED')
          throw failedPatchTest(
            err as Error & { operation?: { path?: string } },
          );
        throw new StatusError(
          422,
          'Invalid',
          `the server rejected our request due to an error in our request: ${
            err.message.split('\n')[0]
          }`,
        );
      }
    default:
      throw errors.unsupportedMediaType(contentType || '<none>');
  }
}

function watchStream(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  r: Route,
  q: URLSearchParams,
  labels: ReturnType<typeof parseLabelSelector>,
  fields: ReturnType<typeof parseFieldSelector>,
  deps: ServerDeps,
) {
  const { store, faults } = deps;
  const { type, namespace } = r;
  const asTable = wantsTable(req.headers.accept);
  const typeKey = store.typeKey(type);
  const rvParam = q.get('resourceVersion');
  const matches = (o: KubeObject) =>
    (namespace === undefined || o.metadata.namespace === namespace) &&
    (r.name === undefined || o.metadata.name === r.name) &&
    matchesLabels(o.metadata.labels, labels) &&
    matchesFields(o, fields);
  // validate the starting point before answering 200
  let backlog: StoreEvent[] = [];
  let initial: KubeObject[] = [];
  const fromRv = parseResourceVersion(rvParam);
  if (fromRv) {
    backlog = store.eventsSince(typeKey, fromRv);
  } else {
    initial = store.list(type, { namespace, labels, fields }).items;
  }
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  // answer at once, as the apiserver does: a client waiting for the first event (kubectl delete's
  // wait for a finalizer) must not wait for the first bookmark
  res.flushHeaders();
  let first = true;
  const write = (eventType: string, object: KubeObject) => {
    const payload =
      asTable && eventType !== 'BOOKMARK' && eventType !== 'ERROR'
        ? toTable(
            type,
            [object],
            object.metadata.resourceVersion ?? store.resourceVersion,
            first,
          )
        : object;
    first = false;
    res.write(`${JSON.stringify({ type: eventType, object: payload })}\n`);
  };
  for (const o of initial) write('ADDED', o);
  for (const e of backlog) if (matches(e.object)) write(e.type, e.object);
  const unsubscribe = store.subscribe(e => {
    if (e.typeKey === typeKey && matches(e.object)) write(e.type, e.object);
  });
  const bookmarks = boolParam(q.get('allowWatchBookmarks'))
    ? setInterval(() => {
        write('BOOKMARK', {
          apiVersion: apiVersionOf(type),
          kind: type.kind,
          metadata: { name: '', resourceVersion: store.resourceVersion },
        } as KubeObject);
      }, 5000)
    : undefined;
  const timeout = Number(q.get('timeoutSeconds') ?? 0);
  const timer =
    timeout > 0 ? setTimeout(() => end(), timeout * 1000) : undefined;
  const detach = faults.onDropWatches(() => {
    res.destroy();
    cleanup();
  });
  function cleanup() {
    unsubscribe();
    if (bookmarks) clearInterval(bookmarks);
    if (timer) clearTimeout(timer);
    detach();
  }
  function end() {
    cleanup();
    res.end();
  }
  req.on('close', cleanup);
  res.on('close', cleanup);
}
