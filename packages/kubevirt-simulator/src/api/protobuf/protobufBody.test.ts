import { kubectlFor } from '../../__testUtils__/kubectl';
import { protobufBody } from './protobufEncode';
import { requestWithHeaders } from '../../__testUtils__/requestWithHeaders';
import { Simulator, startSimulator } from '../../index';
import { decodeProtobuf } from './protobufBody';

jest.setTimeout(60_000);

describe('decodeProtobuf (apimachinery runtime/serializer/protobuf)', () => {
  it('turns the wrapper messages into their JSON forms and drops empty omitempty strings', () => {
    const body = protobufBody('v1', 'Pod', 'k8s.io.api.core.v1.Pod', {
      metadata: {
        name: 'p',
        generateName: '',
        labels: { app: 'x' },
        creationTimestamp: { seconds: 1767225600 },
      },
      spec: {
        containers: [
          {
            name: 'main',
            image: 'busybox',
            resources: { limits: { cpu: { string: '500m' } } },
            // Probe embeds ProbeHandler inline: nested in protobuf, lifted in JSON
            readinessProbe: {
              handler: { httpGet: { port: { type: 1, strVal: 'http' } } },
              periodSeconds: 0,
            },
            livenessProbe: {
              handler: { httpGet: { port: { type: 0, intVal: 8080 } } },
            },
          },
        ],
      },
    });
    expect(decodeProtobuf(body)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        labels: { app: 'x' },
        creationTimestamp: '2026-01-01T00:00:00Z',
      },
      spec: {
        containers: [
          {
            name: 'main',
            image: 'busybox',
            resources: { limits: { cpu: '500m' } },
            readinessProbe: { httpGet: { port: 'http' }, periodSeconds: 0 },
            livenessProbe: { httpGet: { port: 8080 } },
          },
        ],
      },
    });
  });

  it('keeps map values as sent: bytes as base64, empty strings', () => {
    const body = protobufBody('v1', 'Secret', 'k8s.io.api.core.v1.Secret', {
      metadata: { name: 's' },
      data: { a: Buffer.from('b'), empty: Buffer.alloc(0) },
      type: 'Opaque',
    });
    expect(decodeProtobuf(body)).toMatchObject({
      kind: 'Secret',
      data: { a: 'Yg==', empty: '' },
      type: 'Opaque',
    });
  });

  it('answers 400 for bytes without the k8s magic and for kinds it has no message for', () => {
    expect(() => decodeProtobuf(Buffer.from('{"kind":"Pod"}'))).toThrow(
      /expected prefix \[107 56 115 0\]/,
    );
    expect(() =>
      decodeProtobuf(
        protobufBody('v1', 'Widget', 'k8s.io.api.core.v1.Pod', {}),
      ),
    ).toThrow('no kind "Widget" is registered for version "v1"');
  });
});

describe('protobuf bodies from the real kubectl', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0, seed: 'none' });
    k = kubectlFor(sim);
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('creates a namespace, a secret and a configmap sent as protobuf', async () => {
    const ns = await k.kubectl('create', 'namespace', 'pb', '-v=8');
    expect(ns.code).toBe(0);
    // what this test is about: kubectl's typed client encodes built-in kinds as protobuf
    expect(ns.stderr).toMatch(
      /POST .*\/api\/v1\/namespaces\?fieldManager=kubectl-create[\s\S]*Content-Type: application\/vnd\.kubernetes\.protobuf/,
    );
    const secret = await k.kubectl(
      'create',
      'secret',
      'generic',
      'creds',
      '-n',
      'pb',
      '--from-literal=user=admin',
      '--from-literal=blank=',
    );
    expect(secret.code).toBe(0);
    const cm = await k.kubectl(
      'create',
      'configmap',
      'settings',
      '-n',
      'pb',
      '--from-literal=mode=fast',
      '--from-literal=empty=',
    );
    expect(cm.code).toBe(0);

    const getNs = await k.kubectl('get', 'namespace', 'pb', '-o', 'json');
    expect(JSON.parse(getNs.stdout).metadata.name).toBe('pb');
    const s = JSON.parse(
      (await k.kubectl('get', 'secret', 'creds', '-n', 'pb', '-o', 'json'))
        .stdout,
    );
    expect(s.data).toEqual({
      user: Buffer.from('admin').toString('base64'),
      blank: '',
    });
    const c = JSON.parse(
      (
        await k.kubectl(
          'get',
          'configmap',
          'settings',
          '-n',
          'pb',
          '-o',
          'json',
          '--show-managed-fields',
        )
      ).stdout,
    );
    expect(c.data).toEqual({ mode: 'fast', empty: '' });
    // the typed client's create is an Update by its field manager
    expect(c.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'kubectl-create',
        operation: 'Update',
        fieldsV1: { 'f:data': { '.': {}, 'f:empty': {}, 'f:mode': {} } },
      }),
    ]);
  });

  it('answers JSON to a client accepting protobuf or JSON, 406 to one accepting protobuf alone', async () => {
    const both = await requestWithHeaders(sim, 'GET', '/api/v1/namespaces', {
      headers: {
        Accept: 'application/vnd.kubernetes.protobuf,application/json',
      },
    });
    expect(both.status).toBe(200);
    expect(both.contentType).toBe('application/json');
    const only = await requestWithHeaders(sim, 'GET', '/api/v1/namespaces', {
      headers: { Accept: 'application/vnd.kubernetes.protobuf' },
    });
    expect(only.status).toBe(406);
    expect(only.body.reason).toBe('NotAcceptable');
  });

  it('takes DeleteOptions in protobuf for any resource, custom ones too (handlers/delete.go decodes them with the meta codecs)', async () => {
    const created = await k.kubectl(
      'create',
      '-f',
      k.file(
        'cm.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gone, namespace: pb}\n',
      ),
    );
    expect(created.code).toBe(0);
    const options = protobufBody(
      'meta.k8s.io/v1',
      'DeleteOptions',
      'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
      { dryRun: ['All'] },
    );
    const dry = await requestWithHeaders(
      sim,
      'DELETE',
      '/api/v1/namespaces/pb/configmaps/gone',
      {
        headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
        body: options,
      },
    );
    expect(dry.status).toBe(200);
    // dryRun came through the protobuf body: the object is still there
    expect((await k.kubectl('get', 'configmap', 'gone', '-n', 'pb')).code).toBe(
      0,
    );
    const vm = await requestWithHeaders(
      sim,
      'DELETE',
      '/apis/kubevirt.io/v1/namespaces/pb/virtualmachines/none',
      {
        headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
        body: options,
      },
    );
    // decoded, then the VM is not there: 404, not 415
    expect(vm.status).toBe(404);
  });

  it('refuses protobuf for a custom resource with 415, as apiextensions-apiserver has no protobuf serializer', async () => {
    expect((await k.kubectl('create', 'namespace', 'crs')).code).toBe(0);
    const r = await requestWithHeaders(
      sim,
      'POST',
      '/apis/kubevirt.io/v1/namespaces/crs/virtualmachines',
      {
        headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
        body: protobufBody(
          'v1',
          'ConfigMap',
          'k8s.io.api.core.v1.ConfigMap',
          {},
        ),
      },
    );
    expect(r.status).toBe(415);
    expect(r.body.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    );
  });
});
