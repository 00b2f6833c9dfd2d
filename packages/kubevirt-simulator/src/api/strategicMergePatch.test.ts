import { kubectlFor } from '../__testUtils__/kubectl';
import { Simulator, startSimulator } from '../index';
import { strategicMergePatch } from './strategicMergePatch';

jest.setTimeout(60_000);

describe('strategicMergePatch', () => {
  const pod = {
    metadata: { name: 'p', finalizers: ['a'], labels: { x: '1', y: '2' } },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'app:1',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
        { name: 'sidecar', image: 'side:1' },
      ],
      tolerations: [{ key: 'k1' }],
    },
  };

  it('merges lists by their merge key, deep into elements', () => {
    const out: any = strategicMergePatch(pod, {
      spec: {
        containers: [
          { name: 'app', image: 'app:2', env: [{ name: 'B', value: '3' }] },
        ],
      },
    });
    expect(out.spec.containers).toEqual([
      {
        name: 'app',
        image: 'app:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
        ],
      },
      { name: 'sidecar', image: 'side:1' },
    ]);
  });

  it('replaces atomic lists, unions merged scalar lists and deletes with null', () => {
    const out: any = strategicMergePatch(pod, {
      metadata: { finalizers: ['b'], labels: { y: null } },
      spec: { tolerations: [{ key: 'k2' }] },
    });
    expect(out.metadata).toEqual({
      name: 'p',
      finalizers: ['a', 'b'],
      labels: { x: '1' },
    });
    expect(out.spec.tolerations).toEqual([{ key: 'k2' }]);
  });

  it('honours $patch delete and replace, $setElementOrder, $deleteFromPrimitiveList and $retainKeys', () => {
    const out: any = strategicMergePatch(pod, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
        containers: [
          { name: 'app', $patch: 'delete' },
          { name: 'new', image: 'n:1' },
        ],
      },
    });
    expect(out.metadata.finalizers).toEqual([]);
    expect(out.spec.containers.map((c: any) => c.name)).toEqual([
      'sidecar',
      'new',
    ]);
    expect(JSON.stringify(out)).not.toContain('$');

    const replaced: any = strategicMergePatch(pod, {
      spec: {
        containers: [{ $patch: 'replace' }, { name: 'only', image: 'o:1' }],
      },
    });
    expect(replaced.spec.containers).toEqual([{ name: 'only', image: 'o:1' }]);
    const retained: any = strategicMergePatch(
      { spec: { a: 1, b: 2 } },
      { spec: { $retainKeys: ['b', 'c'], c: 3 } },
    );
    expect(retained.spec).toEqual({ b: 2, c: 3 });
    expect(() =>
      strategicMergePatch(pod, { spec: { containers: ['not-a-map'] } }),
    ).toThrow(/merge key name/);
  });
});

/** What `kubectl apply` sends for built-in kinds is a strategic merge patch with directives. */
describe('kubectl apply of built-in kinds', () => {
  let sim: Simulator;
  let k: ReturnType<typeof kubectlFor>;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const apply = (name: string, text: string) => k.apply(name, text);

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, stageDelayMs: 0, seed: 'none' });
    k = kubectlFor(sim);
    // imperative `kubectl create namespace` sends protobuf, which the simulator does not decode
    await apply(
      'ns.yaml',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n',
    );
  });

  afterAll(async () => {
    await sim.stop();
    k.cleanup();
  });

  it('re-applies a Service with changed ports and a ConfigMap with a removed key', async () => {
    const service = (ports: string) => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: web}
spec:
  selector: {app: web}
  ports:
${ports}`;
    expect(
      (
        await apply(
          'svc.yaml',
          service(
            '  - {name: http, port: 80}\n  - {name: metrics, port: 9090}\n',
          ),
        )
      ).code,
    ).toBe(0);
    const second = await apply(
      'svc.yaml',
      service(
        '  - {name: https, port: 443}\n  - {name: http, port: 80, targetPort: 8080}\n',
      ),
    );
    expect(second.stdout).toContain('service/web configured');
    const svc = JSON.parse(
      (await kubectl('get', 'svc', 'web', '-n', 'web', '-o', 'json')).stdout,
    );
    expect(svc.spec.ports).toEqual([
      { name: 'https', port: 443 },
      { name: 'http', port: 80, targetPort: 8080 },
    ]);
    expect(JSON.stringify(svc)).not.toContain('$setElementOrder');

    const configMap = (data: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: web}\ndata:\n${data}`;
    await apply('cm.yaml', configMap('  a: "1"\n  b: "2"\n'));
    await apply('cm.yaml', configMap('  a: "1"\n'));
    const cm = JSON.parse(
      (await kubectl('get', 'cm', 'settings', '-n', 'web', '-o', 'json'))
        .stdout,
    );
    expect(cm.data).toEqual({ a: '1' });
  });

  it('deletes a list element with --type strategic and $patch: delete', async () => {
    const ok = await kubectl(
      'patch',
      'svc',
      'web',
      '-n',
      'web',
      '--type',
      'strategic',
      '-p',
      '{"spec":{"ports":[{"port":443,"$patch":"delete"}]}}',
    );
    expect(ok.code).toBe(0);
    const svc = JSON.parse(
      (await kubectl('get', 'svc', 'web', '-n', 'web', '-o', 'json')).stdout,
    );
    expect(svc.spec.ports.map((p: any) => p.port)).toEqual([80]);
  });
});
