import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { clusterTokenCheck } from './clusterTokenCheck';
import { oidcProviderCheck } from './oidcProviderCheck';

// the checks are modules: they run inside their plugin's start, which fails with them
const pluginNamed = (pluginId: string) =>
  createBackendPlugin({
    pluginId,
    register(env) {
      env.registerInit({ deps: {}, async init() {} });
    },
  });

describe('oidcProviderCheck', () => {
  let server: http.Server;
  let base: string;
  let document: object | undefined;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      if (!document) {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(document));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(r => server.close(r)));

  const start = (metadataUrl: string) =>
    startTestBackend({
      features: [
        pluginNamed('auth'),
        oidcProviderCheck,
        mockServices.rootConfig.factory({
          data: {
            auth: {
              providers: { oidc: { production: { metadataUrl } } },
            },
          },
        }),
      ],
    });

  it('lets the backend start when the discovery document names an issuer and an authorization endpoint', async () => {
    document = { issuer: base, authorization_endpoint: `${base}/auth` };
    const started = start(`${base}/.well-known/openid-configuration`);
    await expect(started).resolves.toBeDefined();
    await (await started).stop();
  });

  it('fails the start naming the URL and the config key when the provider refuses connections', async () => {
    const closed = http.createServer();
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise(r => closed.close(r));
    await expect(
      start(`http://127.0.0.1:${port}/.well-known/openid-configuration`),
    ).rejects.toThrow(
      new RegExp(
        `OpenID Connect provider not usable: GET http://127.0.0.1:${port}/.well-known/openid-configuration failed \\(ECONNREFUSED\\).*auth.providers.oidc.production.metadataUrl`,
      ),
    );
  });

  it('fails the start when the provider answers with an error or without the discovery fields', async () => {
    document = undefined;
    await expect(start(`${base}/x`)).rejects.toThrow(/answered 500/);
    document = { issuer: base };
    await expect(start(`${base}/x`)).rejects.toThrow(
      /no issuer or authorization_endpoint/,
    );
  });

  it('does nothing without an oidc provider', async () => {
    const started = startTestBackend({
      features: [pluginNamed('auth'), oidcProviderCheck],
    });
    await expect(started).resolves.toBeDefined();
    await (await started).stop();
  });
});

describe('clusterTokenCheck', () => {
  const start = (clusters: object[]) =>
    startTestBackend({
      features: [
        pluginNamed('kubevirt'),
        clusterTokenCheck,
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [{ type: 'config', clusters }],
            },
          },
        }),
      ],
    });

  it('fails the start naming a serviceAccount cluster without a token (outside a pod)', async () => {
    await expect(
      start([
        {
          name: 'east',
          authProvider: 'serviceAccount',
          serviceAccountToken: 't',
        },
        { name: 'west', authProvider: 'serviceAccount' },
      ]),
    ).rejects.toThrow(
      /Cluster 'west' \(kubernetes.clusterLocatorMethods\[0\].clusters\[1\]\) has authProvider serviceAccount but no serviceAccountToken/,
    );
  });

  it('lets clusters with a token, or with another auth provider, start', async () => {
    const started = start([
      {
        name: 'east',
        authProvider: 'serviceAccount',
        serviceAccountToken: 't',
      },
      { name: 'oidc-cluster', authProvider: 'oidc' },
    ]);
    await expect(started).resolves.toBeDefined();
    await (await started).stop();
  });
});
