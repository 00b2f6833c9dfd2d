import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { StatusError } from '../errors';

/**
 * Request bodies in Kubernetes' protobuf encoding, as client-go's typed
 * clients send them for built-in kinds (`kubectl create namespace|secret|
 * configmap` do). The wire format is apimachinery's
 * `runtime/serializer/protobuf` (`protobuf.go`, `Serializer.Decode`): the
 * 4-byte magic `k8s\x00`, then a `runtime.Unknown` whose typeMeta names the
 * kind and whose raw bytes are that kind's message from its `generated.proto`.
 * The result is the object as its JSON encoding would carry it.
 */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
// the .proto files sit beside this module in the sources; the published package runs dist/ (this
// module at dist/api/protobuf/) and ships them at src/api/protobuf/proto (package.json files)
const PROTO_DIR = [
  // eslint-disable-next-line no-restricted-syntax
  path.join(__dirname, 'proto'),
  // eslint-disable-next-line no-restricted-syntax
  path.resolve(__dirname, '../../../src/api/protobuf/proto'),
].find(dir => fs.existsSync(dir))!;
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** The API packages the simulator serves built-in kinds from, by API group. */
const packages: Record<string, string> = {
  '': 'k8s.io/api/core/v1',
  apps: 'k8s.io/api/apps/v1',
  batch: 'k8s.io/api/batch/v1',
  autoscaling: 'k8s.io/api/autoscaling/v2',
  'networking.k8s.io': 'k8s.io/api/networking/v1',
  'storage.k8s.io': 'k8s.io/api/storage/v1',
  'rbac.authorization.k8s.io': 'k8s.io/api/rbac/v1',
  'authorization.k8s.io': 'k8s.io/api/authorization/v1',
  'authentication.k8s.io': 'k8s.io/api/authentication/v1',
};

let root: protobuf.Root | undefined;

function loadRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  // the files import each other by their Go import path, which is their path below PROTO_DIR
  r.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
  r.loadSync(
    [
      ...Object.values(packages).map(p => `${p}/generated.proto`),
      'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
    ],
    { keepCase: true },
  );
  root = r;
  return r;
}

const badRequest = (message: string) =>
  new StatusError(400, 'BadRequest', message);

/** A message type by its full name (`k8s.io.api.core.v1.Pod`), if the loaded files have it. */
export function protoMessage(fullName: string): protobuf.Type | undefined {
  const found = loadRoot().lookup(fullName);
  return found instanceof protobuf.Type ? found : undefined;
}

/** The message type of a kind: its group's package, or meta/v1 (DeleteOptions, ...). */
export function messageType(apiVersion: string, kind: string): protobuf.Type {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const pkg = packages[group];
  const candidates = [
    pkg && pkg.endsWith(`/${version}`)
      ? `${pkg.replace(/\//g, '.')}.${kind}`
      : undefined,
    `${META}.${kind}`,
  ];
  for (const name of candidates) {
    const found = name ? protoMessage(name) : undefined;
    if (found) return found;
  }
  // what the apiserver's scheme (legacyscheme) answers for a kind it has no type for
  throw badRequest(
    `no kind "${kind}" is registered for version "${apiVersion}" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30"`,
  );
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** metav1.Time and MicroTime as their MarshalJSON writes them (RFC 3339, UTC). */
function timestamp(value: any, micro: boolean): string | undefined {
  if (value.seconds === undefined && value.nanos === undefined)
    return undefined; // the zero time: `null` in JSON, so absent here
  const date = new Date(Number(value.seconds ?? 0) * 1000);
  const base = date.toISOString().replace(/\.\d+Z$/, '');
  return micro
    ? `${base}.${pad(Math.floor((value.nanos ?? 0) / 1000), 6)}Z`
    : `${base}Z`;
}

/** time.Duration.String, as metav1.Duration marshals: 1h2m3s, 1.5s, 0s. */
function duration(value: any): string {
  let ns = Number(value.duration ?? 0);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${ns / 1e3}µs`;
  if (ns < 1e9) return `${sign}${ns / 1e6}ms`;
  const h = Math.floor(ns / 3.6e12);
  const m = Math.floor((ns % 3.6e12) / 6e10);
  const s = (ns % 6e10) / 1e9;
  return `${sign}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}

const rawJson = (raw: string | undefined) =>
  raw ? JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) : undefined;

/** Wrapper messages whose JSON form is not an object. */
export const wrapperMessages: Record<string, (value: any) => unknown> = {
  [`.${META}.Time`]: v => timestamp(v, false),
  [`.${META}.MicroTime`]: v => timestamp(v, true),
  [`.${META}.Duration`]: duration,
  [`.${META}.FieldsV1`]: v => rawJson(v.Raw),
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': v => rawJson(v.raw),
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': v => v.string,
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': v =>
    Number(v.type ?? 0) === 1 ? v.strVal ?? '' : v.intVal ?? 0,
};

/**
 * The fields Go embeds with `json:",inline"` (grep of `json:",inline" protobuf`
 * in the served packages' types.go): protobuf nests them under a name, JSON
 * lifts their fields into the parent.
 */
export const inlinedFields = new Set([
  'volumeSource',
  'persistentVolumeSource',
  'localObjectReference',
  'handler',
  'ephemeralContainerCommon',
  'ingressRuleValue',
]);

/**
 * A decoded message as its Go struct marshals to JSON. go-to-protobuf writes
 * every non-pointer field, zero or not; the empty strings among them are the
 * `omitempty` fields the JSON form leaves out. Map values stay as sent (a
 * ConfigMap key may hold "").
 */
function toJson(type: protobuf.Type, value: any): any {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const field = type.fields[name];
    if (!field) continue;
    field.resolve();
    const convert = (item: any) => {
      const t = field.resolvedType;
      if (!(t instanceof protobuf.Type)) return item;
      const fn = wrapperMessages[t.fullName];
      return fn ? fn(item) : toJson(t, item);
    };
    let json: unknown;
    if (field.map)
      json = Object.fromEntries(
        Object.entries(v as object).map(([k, item]) => [k, convert(item)]),
      );
    else if (field.repeated) json = (v as any[]).map(convert);
    else json = convert(v);
    if (json === undefined || (json === '' && !field.map)) continue;
    if (inlinedFields.has(name) && json && typeof json === 'object')
      Object.assign(out, json);
    else out[name] = json;
  }
  return out;
}

/** Decodes a protobuf request body into the object its JSON encoding would be. */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, 4).equals(MAGIC))
    throw badRequest(
      'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
    );
  const options = {
    longs: Number,
    bytes: String,
    enums: String,
    defaults: false,
  };
  let unknown: any;
  try {
    const envelope = loadRoot().lookupType(
      'k8s.io.apimachinery.pkg.runtime.Unknown',
    );
    unknown = envelope.toObject(envelope.decode(body.subarray(4)), options);
  } catch (e) {
    throw badRequest(`unable to decode protobuf: ${(e as Error).message}`);
  }
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  const kind = unknown.typeMeta?.kind ?? '';
  if (!kind) throw badRequest(`Object 'Kind' is missing in protobuf body`);
  const type = messageType(apiVersion, kind);
  let message: any;
  try {
    message = type.toObject(
      type.decode(Buffer.from(unknown.raw ?? '', 'base64')),
      options,
    );
  } catch (e) {
    throw badRequest(
      `unable to decode ${kind} from protobuf: ${(e as Error).message}`,
    );
  }
  return { apiVersion, kind, ...toJson(type, message) };
}
