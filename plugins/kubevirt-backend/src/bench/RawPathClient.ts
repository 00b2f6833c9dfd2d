import { ApiPath } from '../clusters/apiPath';
import { ClusterClient } from '../clusters/ClusterClient';

/** A cluster client for tests and benchmarks, which name paths literally; the broker itself only sends paths built by apiPath. */
export class RawPathClient extends ClusterClient {
  override request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<T> {
    return super.request<T>(method, path as ApiPath, body, contentType);
  }
}
