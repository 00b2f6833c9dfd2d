import { ClusterAuth } from './ClusterAuth';

/** A cluster as the broker reaches it: the fields it shares with @backstage/plugin-kubernetes, and how it authenticates. */
export interface ClusterConfig {
  name: string;
  title?: string;
  url: string;
  /** The bearer token when `auth` gives none of its own (authProvider serviceAccount with a token). */
  serviceAccountToken?: string;
  skipTLSVerify: boolean;
  caData?: string;
  caFile?: string;
  /** How the broker authenticates (locateClusters); default: `serviceAccountToken`. */
  auth?: ClusterAuth;
  /**
   * Calls made for a user carry Impersonate-User/-Group, so the cluster's
   * RBAC and audit log see the user; the watch caches stay the broker.
   */
  impersonate?: boolean;
}
