import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AuthProviderContext,
  ClusterEntry,
  ClusterProblem,
  resolveCluster,
} from './authProviders';
import { TokenFile } from './ClusterAuth';
import { configLocator } from './locators/configLocator';

const entry = (fields: Partial<ClusterEntry>): ClusterEntry => ({
  name: 'east',
  url: 'https://api.east.example.com:6443',
  authMetadata: {},
  skipTLSVerify: false,
  impersonate: false,
  locator: 'config',
  ...fields,
});

describe('resolveCluster', () => {
  let dir: string;
  let ctx: AuthProviderContext;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-providers-'));
    ctx = {
      config: mockServices.rootConfig({ data: {} }),
      logger: mockServices.logger.mock(),
      serviceAccountDir: dir,
      inPod: true,
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const problem = async (e: ClusterEntry, c = ctx) => {
    const error = await resolveCluster(e, c).catch(err => err);
    expect(error).toBeInstanceOf(ClusterProblem);
    return (error as Error).message;
  };

  it('uses a configured service account token as it is', async () => {
    const cluster = await resolveCluster(
      entry({ authProvider: 'serviceAccount', serviceAccountToken: 't0k' }),
      ctx,
    );
    expect(cluster).toMatchObject({
      serviceAccountToken: 't0k',
      auth: { provider: 'serviceAccount' },
    });
    expect(cluster.auth?.bearer).toBeUndefined();
  });

  it("takes the pod's token and CA from the service account directory", async () => {
    fs.writeFileSync(path.join(dir, 'token'), 'pod-token\n');
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'PEM');
    const cluster = await resolveCluster(
      entry({ authProvider: 'serviceAccount' }),
      ctx,
    );
    expect(await cluster.auth!.bearer!()).toBe('pod-token');
    expect(cluster.caFile).toBe(path.join(dir, 'ca.crt'));
  });

  it('says why a service account cluster without a token cannot be used', async () => {
    expect(
      await problem(entry({ authProvider: 'serviceAccount' }), {
        ...ctx,
        inPod: false,
      }),
    ).toMatch(/does not run in a pod \(KUBERNETES_SERVICE_HOST is not set\)/);
    expect(await problem(entry({ authProvider: 'serviceAccount' }))).toMatch(
      new RegExp(`${path.join(dir, 'token')} cannot be read`),
    );
  });

  it('refuses providers that need the signed-in user token, unknown ones and a missing one', async () => {
    expect(await problem(entry({ authProvider: 'google' }))).toMatch(
      /Google OAuth token, which the broker does not hold/,
    );
    expect(await problem(entry({ authProvider: 'oidc' }))).toMatch(
      /OIDC token, which the broker does not hold/,
    );
    expect(await problem(entry({ authProvider: 'magic' }))).toMatch(
      /unsupported authProvider "magic"/,
    );
    expect(await problem(entry({}))).toMatch(/no authProvider/);
    expect(
      await problem(entry({ authProvider: 'serviceAccount', url: 'ftp://x' })),
    ).toMatch(/url "ftp:\/\/x" cannot be used: ftp: is not http: or https:/);
    expect(
      await problem(
        entry({ authProvider: 'serviceAccount', url: 'http://10.0.0.1:8080' }),
      ),
    ).toMatch(/plain HTTP needs skipTLSVerify: true/);
  });

  it('reads a kubeconfig context: its server, and says which context is missing', async () => {
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: 'https://10.1.2.3:6443'}}]
users: [{name: u, user: {token: abc}}]
contexts: [{name: ctx-a, context: {cluster: c, user: u}}]
current-context: ctx-a
`,
    );
    const cluster = await resolveCluster(
      entry({
        authProvider: 'kubeconfig',
        url: undefined,
        kubeconfig: { path: file },
      }),
      ctx,
    );
    expect(cluster.url).toBe('https://10.1.2.3:6443');
    expect(cluster.auth?.kubeConfig?.getCurrentContext()).toBe('ctx-a');
    expect(
      await problem(
        entry({
          authProvider: 'kubeconfig',
          kubeconfig: { path: file, context: 'nope' },
        }),
      ),
    ).toMatch(/has no context "nope"/);
    expect(
      await problem(
        entry({
          authProvider: 'kubeconfig',
          kubeconfig: { path: path.join(dir, 'missing') },
        }),
      ),
    ).toMatch(/cannot be read/);
  });
});

describe('cloud identities through the Kubernetes plugin strategies', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('signs an EKS token with AwsIamStrategy for each request, naming the cluster', async () => {
    // the default credential chain reads these; presigning STS GetCallerIdentity needs no network
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY =
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    const cluster = await resolveCluster(
      entry({
        name: 'eks-west',
        authProvider: 'aws',
        authMetadata: { 'kubernetes.io/x-k8s-aws-id': 'prod-west' },
      }),
      {
        config: mockServices.rootConfig({ data: {} }),
        logger: mockServices.logger.mock(),
        serviceAccountDir: '/nonexistent',
        inPod: false,
      },
    );
    const token = await cluster.auth!.bearer!();
    expect(token).toMatch(/^k8s-aws-v1\./);
    const url = new URL(
      Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString(),
    );
    expect(url.searchParams.get('Action')).toBe('GetCallerIdentity');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain(
      'x-k8s-aws-id',
    );
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDEXAMPLE\//);
  });
});

describe('TokenFile', () => {
  it('reads the token again once kubelet swaps the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-file-'));
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'first');
    const token = new TokenFile(file);
    expect(token.read()).toBe('first');
    fs.writeFileSync(`${file}.new`, 'second');
    fs.renameSync(`${file}.new`, file);
    expect(token.read()).toBe('second');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('configLocator', () => {
  it("reads the Kubernetes plugin's cluster fields and the broker's own", () => {
    const [c] = configLocator(
      new ConfigReader({
        clusters: [
          {
            name: 'eks',
            url: 'https://eks.example.com',
            authProvider: 'aws',
            assumeRole: 'arn:aws:iam::1:role/broker',
            externalId: 'x-1',
            impersonate: true,
          },
        ],
      }),
    );
    expect(c).toMatchObject({
      name: 'eks',
      authProvider: 'aws',
      authMetadata: {
        'kubernetes.io/aws-assume-role': 'arn:aws:iam::1:role/broker',
        'kubernetes.io/aws-external-id': 'x-1',
      },
      impersonate: true,
      skipTLSVerify: false,
    });
  });

  it('takes the auth provider from authMetadata first, as ConfigClusterLocator does', () => {
    const [c] = configLocator(
      new ConfigReader({
        clusters: [
          {
            name: 'a',
            url: 'https://a',
            authProvider: 'serviceAccount',
            authMetadata: { 'kubernetes.io/auth-provider': 'azure' },
          },
        ],
      }),
    );
    expect(c.authProvider).toBe('azure');
  });
});
