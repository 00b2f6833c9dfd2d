import { KubeConfig, User } from '@kubernetes/client-node';
import fs from 'node:fs';

/**
 * How the broker proves who it is to one cluster. Exactly one of the forms
 * is set; without any, the cluster's `serviceAccountToken` is the bearer
 * token (or nothing is sent, for `localKubectlProxy`).
 */
export interface ClusterAuth {
  /** The auth provider as configured (`serviceAccount`, `kubeconfig`, `aws`...), for logs and the UI. */
  provider: string;
  /** A kubeconfig's current context: its server, CA and user, exec credential plugins included (client-node runs them). */
  kubeConfig?: KubeConfig;
  /** A kubeconfig user (a token file, a client certificate) for the cluster's own URL and CA. */
  user?: Omit<User, 'name'>;
  /** A bearer token asked for each request (a Kubernetes plugin strategy, which caches and refreshes it). */
  bearer?: () => Promise<string>;
}

/**
 * A token file that is read again when it changes: kubelet rotates a
 * projected service account token by swapping the file (a new inode and
 * mtime), and the broker must not keep sending the old one until it expires.
 */
export class TokenFile {
  private token?: string;
  private stamp?: string;

  constructor(readonly path: string) {}

  read(): string {
    const st = fs.statSync(this.path);
    const stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
    if (this.token === undefined || stamp !== this.stamp) {
      this.token = fs.readFileSync(this.path, 'utf8').trim();
      this.stamp = stamp;
    }
    if (!this.token) throw new Error(`token file ${this.path} is empty`);
    return this.token;
  }
}
