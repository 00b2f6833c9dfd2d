import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ClusterProblem } from '../authProviders';
import { catalogLocator } from './catalogLocator';

const cluster = (name: string, annotations: Record<string, string>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    annotations: {
      'kubernetes.io/api-server-certificate-authority': 'Q0E=',
      'kubernetes.io/auth-provider': 'aws',
      ...annotations,
    },
  },
  spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
});

/**
 * The catalog locator finds what the Kubernetes plugin's CatalogClusterLocator
 * finds, and checks each URL as its validateClusterApiServerUrl does before
 * the broker calls it with its own identity.
 */
describe('catalogLocator', () => {
  const locate = async (
    entities: object[],
    method: Record<string, unknown> = {},
  ) => {
    const result = await catalogLocator(
      new ConfigReader({ type: 'catalog', ...method }),
      {
        catalog: catalogServiceMock({ entities: entities as any }),
        auth: mockServices.auth(),
      },
    );
    return Object.fromEntries(
      result.map(r =>
        r instanceof ClusterProblem ? [r.cluster, r.message] : [r.name, r],
      ),
    );
  };

  it('takes kubernetes-cluster Resources with the three annotations, and nothing else', async () => {
    const found = await locate([
      cluster('public', {
        'kubernetes.io/api-server': 'https://203.0.113.10:6443',
        'kubevirt.io/impersonate': 'true',
        'kubernetes.io/skip-tls-verify': 'true',
      }),
      {
        ...cluster('no-ca', {
          'kubernetes.io/api-server': 'https://203.0.113.11',
        }),
        metadata: {
          name: 'no-ca',
          annotations: {
            'kubernetes.io/api-server': 'https://203.0.113.11',
            'kubernetes.io/auth-provider': 'aws',
          },
        },
      },
    ]);
    expect(Object.keys(found)).toEqual(['public']);
    expect(found.public).toMatchObject({
      url: 'https://203.0.113.10:6443',
      authProvider: 'aws',
      caData: 'Q0E=',
      impersonate: true,
      // only with dangerouslyAllowSkipTLSVerify
      skipTLSVerify: false,
      locator: 'catalog',
    });
  });

  it('refuses private addresses, plain HTTP and the pod token unless the host is allowed', async () => {
    const entities = [
      cluster('loopback', {
        'kubernetes.io/api-server': 'https://127.0.0.1:6443',
      }),
      cluster('plain', { 'kubernetes.io/api-server': 'http://203.0.113.10' }),
      cluster('creds', {
        'kubernetes.io/api-server': 'https://u:p@203.0.113.10',
      }),
      cluster('pod-token', {
        'kubernetes.io/api-server': 'https://203.0.113.10',
        'kubernetes.io/auth-provider': 'serviceAccount',
      }),
    ];
    const refused = await locate(entities);
    expect(refused.loopback).toMatch(/non-public address \(127\.0\.0\.1\)/);
    expect(refused.plain).toMatch(/must use HTTPS/);
    expect(refused.creds).toMatch(/must not carry credentials/);
    expect(refused['pod-token']).toMatch(/dangerouslyAllowClusterUrls/);

    const allowed = await locate(entities, {
      dangerouslyAllowClusterUrls: ['127.0.0.1', '203.0.113.10'],
    });
    expect(allowed.loopback).toMatchObject({ url: 'https://127.0.0.1:6443' });
    expect(allowed.plain).toMatchObject({ url: 'http://203.0.113.10' });
    expect(allowed['pod-token']).toMatchObject({
      authProvider: 'serviceAccount',
    });
    expect(allowed['pod-token'].serviceAccountToken).toBeUndefined();
  });
});
