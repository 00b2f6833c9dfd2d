import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { ClusterConfig } from './readClusters';

/** The answer of a Kubernetes API call that did not succeed. */
export class KubernetesStatusError extends Error {
  constructor(
    readonly statusCode: number,
    readonly status: { reason?: string; message?: string; details?: unknown } | undefined,
    readonly cluster: string,
  ) {
    super(status?.message ?? `HTTP ${statusCode}`);
  }
}

/** Talks to one cluster's API server: JSON requests and watches, with the cluster's token and CA. */
export class ClusterClient {
  private config?: KubeConfig;

  constructor(readonly cluster: ClusterConfig, private readonly timeoutMs = 10_000) {}

  /**
   * Built on first use, and again while a configured CA file is still missing:
   * in development the simulator writes its CA file when it first starts, which
   * may be after this client was made.
   */
  get kubeConfig(): KubeConfig {
    if (this.config) return this.config;
    const { cluster } = this;
    const caFileReady = !!cluster.caFile && fs.existsSync(cluster.caFile);
    const caData = cluster.caData ?? (caFileReady ? Buffer.from(fs.readFileSync(cluster.caFile!)).toString('base64') : undefined);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: cluster.name, server: cluster.url, skipTLSVerify: cluster.skipTLSVerify, caData }],
      users: [{ name: 'broker', token: cluster.serviceAccountToken }],
      contexts: [{ name: cluster.name, cluster: cluster.name, user: 'broker' }],
      currentContext: cluster.name,
    });
    if (!cluster.caFile || caFileReady) this.config = kc;
    return kc;
  }

  async request<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const url = new URL(path, this.cluster.url);
    const options: https.RequestOptions = { method, headers: { Accept: 'application/json' } };
    await this.kubeConfig.applyToHTTPSOptions(options);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    if (payload !== undefined) {
      (options.headers as Record<string, string>)['Content-Type'] = contentType;
      // Node frames a DELETE body neither with Content-Length nor chunked unless told: the API server then reads it as garbage (400)
      (options.headers as Record<string, string>)['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const transport = url.protocol === 'http:' ? http : https;
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(url, { ...options, timeout: this.timeoutMs }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = { message: text };
          }
          if ((res.statusCode ?? 500) >= 400) {
            reject(new KubernetesStatusError(res.statusCode ?? 500, json, this.cluster.name));
          } else resolve(json as T);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer from cluster ${this.cluster.name} within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * A watch as a stream of JSON lines. `onOpen` fires when the server accepted
   * it, `onDone` once when it ends: without an error when the server closed it
   * (a timeout), with a KubernetesStatusError for 410 Gone and other refusals.
   */
  async watch(
    path: string,
    query: Record<string, string>,
    handlers: { onOpen(): void; onEvent(type: string, obj: any): void; onDone(err?: unknown): void },
  ): Promise<() => void> {
    const url = new URL(path, this.cluster.url);
    for (const [k, v] of Object.entries({ ...query, watch: 'true' })) url.searchParams.set(k, v);
    const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
    await this.kubeConfig.applyToHTTPSOptions(options);
    const transport = url.protocol === 'http:' ? http : https;
    let finished = false;
    const done = (err?: unknown) => {
      if (!finished) {
        finished = true;
        handlers.onDone(err);
      }
    };
    const req = transport.request(url, options, res => {
      if ((res.statusCode ?? 500) >= 400) {
        let text = '';
        res.on('data', c => {
          text += c;
        });
        res.on('end', () => {
          let status;
          try {
            status = JSON.parse(text);
          } catch {
            status = { message: text };
          }
          done(new KubernetesStatusError(res.statusCode ?? 500, status, this.cluster.name));
        });
        return;
      }
      handlers.onOpen();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) {
            try {
              const event = JSON.parse(line);
              if (event.type === 'ERROR' && event.object?.code) {
                done(new KubernetesStatusError(event.object.code, event.object, this.cluster.name));
                req.destroy();
                return;
              }
              handlers.onEvent(event.type, event.object);
            } catch (error) {
              done(error);
              req.destroy();
              return;
            }
          }
          newline = buffer.indexOf('\n');
        }
      });
      res.on('end', () => done());
      res.on('error', done);
      res.on('aborted', () => done(new Error('watch connection aborted')));
    });
    req.on('error', done);
    req.end();
    return () => {
      finished = true;
      req.destroy();
    };
  }
}
