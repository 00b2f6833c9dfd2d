import { Config } from '@backstage/config';
import { ClusterEntry } from '../authProviders';

const AUTH_PROVIDER = 'kubernetes.io/auth-provider';
const AWS_ASSUME_ROLE = 'kubernetes.io/aws-assume-role';
const AWS_EXTERNAL_ID = 'kubernetes.io/aws-external-id';

/**
 * Clusters of a `type: config` locator, read as the Kubernetes plugin's
 * ConfigClusterLocator reads them (authProvider or authMetadata, the AWS
 * role fields), plus the broker's own `impersonate` and `kubeconfig`.
 */
export function configLocator(method: Config): ClusterEntry[] {
  return (method.getOptionalConfigArray('clusters') ?? []).map(c => {
    const authMetadata = {
      ...(c.getOptional<Record<string, string>>('authMetadata') ?? {}),
    };
    const assumeRole = c.getOptionalString('assumeRole');
    const externalId = c.getOptionalString('externalId');
    if (assumeRole) authMetadata[AWS_ASSUME_ROLE] = assumeRole;
    if (externalId) authMetadata[AWS_EXTERNAL_ID] = externalId;
    const kubeconfig = c.getOptionalConfig('kubeconfig');
    return {
      name: c.getString('name'),
      title: c.getOptionalString('title'),
      url: c.getOptionalString('url'),
      authProvider:
        authMetadata[AUTH_PROVIDER] ?? c.getOptionalString('authProvider'),
      authMetadata,
      serviceAccountToken: c.getOptionalString('serviceAccountToken'),
      caData: c.getOptionalString('caData'),
      caFile: c.getOptionalString('caFile'),
      skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
      kubeconfig: kubeconfig && {
        path: kubeconfig.getString('path'),
        context: kubeconfig.getOptionalString('context'),
      },
      impersonate: c.getOptionalBoolean('impersonate') ?? false,
      locator: 'config',
    };
  });
}
