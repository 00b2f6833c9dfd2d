import { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { ApiPath } from './apiPath';
import { ClusterConfig } from './ClusterConfig';
import { httpJson, UnreachableError } from './httpJson';
import { currentActor } from './impersonation';

/** What a KubernetesStatusError knows of the request and the answer besides its Status. */
export interface KubernetesAnswer {
  /** The request path, without its query. */
  path?: string;
  /** The answer's `Retry-After` header, in seconds. */
  retryAfter?: string | string[];
}

/** The answer of a Kubernetes API call that did not succeed. */
export class KubernetesStatusError extends Error {
  /** The path asked for (no query), to say which API a failure concerns. */
  readonly path?: string;
  /**
   * How long the server asked to wait before trying again: `Retry-After`, or
   * the Status's `details.retryAfterSeconds` (the apiserver sends both with a
   * 429 "storage is (re)initializing").
   */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly statusCode: number,
    readonly status:
      | {
          reason?: string;
          message?: string;
          details?: { retryAfterSeconds?: number; [key: string]: unknown };
          [key: string]: unknown;
        }
      | undefined,
    readonly cluster: string,
    /** The user the call impersonated, when it did: a 403 is then the cluster refusing that user. */
    readonly actingAs?: string,
    answer: KubernetesAnswer = {},
  ) {
    super(status?.message ?? `HTTP ${statusCode}`);
    this.path = answer.path?.split('?')[0];
    const header = Number(
      Array.isArray(answer.retryAfter)
        ? answer.retryAfter[0]
        : answer.retryAfter,
    );
    const seconds =
      Number.isFinite(header) && header >= 0
        ? header
        : status?.details?.retryAfterSeconds;
    if (typeof seconds === 'number' && seconds >= 0)
      this.retryAfterSeconds = seconds;
  }

  /**
   * Whether the body is a Kubernetes Status (JSON with a reason), as the
   * apiserver and virt-api answer for an object that does not exist. A 404
   * that is not (the apiserver's plain-text "404 page not found") means the
   * API itself is not served; a plain 503 is an aggregated API that is down.
   */
  get isStatus(): boolean {
    return typeof this.status?.reason === 'string';
  }
}

/** The broker could not obtain its credentials for a cluster (a failing exec plugin, an unreadable token file...). */
export class ClusterCredentialsError extends Error {
  constructor(readonly cluster: string, provider: string, cause: unknown) {
    super(
      `cluster ${cluster}: the broker's credentials (${provider}) could not be obtained: ${
        (cause as Error)?.message ?? cause
      }`,
    );
  }
}

/** Talks to one cluster's API server: JSON requests and watches, with the cluster's credentials and CA. */
export class ClusterClient {
  private config?: KubeConfig;

  constructor(
    readonly cluster: ClusterConfig,
    private readonly timeoutMs = 10_000,
  ) {}

  /**
   * Built on first use, and again while a configured CA file is still missing:
   * in development the simulator writes its CA file when it first starts, which
   * may be after this client was made.
   */
  get kubeConfig(): KubeConfig {
    if (this.config) return this.config;
    const { cluster } = this;
    if (cluster.auth?.kubeConfig)
      return (this.config = cluster.auth.kubeConfig);
    const caFileReady = !!cluster.caFile && fs.existsSync(cluster.caFile);
    const caData =
      cluster.caData ??
      (caFileReady
        ? Buffer.from(fs.readFileSync(cluster.caFile!)).toString('base64')
        : undefined);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          skipTLSVerify: cluster.skipTLSVerify,
          caData,
        },
      ],
      users: [
        {
          name: 'broker',
          token: cluster.serviceAccountToken,
          ...cluster.auth?.user,
        },
      ],
      contexts: [{ name: cluster.name, cluster: cluster.name, user: 'broker' }],
      currentContext: cluster.name,
    });
    if (!cluster.caFile || caFileReady) this.config = kc;
    return kc;
  }

  /**
   * TLS and credentials for one request (client-node applies the kubeconfig,
   * running exec plugins; a strategy's token is asked each time), and, for a
   * call made for a user on a cluster with impersonation on, whom it acts as.
   */
  async requestOptions(
    forUser = true,
  ): Promise<{ options: https.RequestOptions; actingAs?: string }> {
    const options: https.RequestOptions = { headers: {} };
    const headers = options.headers as Record<string, string | string[]>;
    const { auth } = this.cluster;
    try {
      await this.kubeConfig.applyToHTTPSOptions(options);
      if (auth?.bearer) headers.Authorization = `Bearer ${await auth.bearer()}`;
    } catch (error) {
      throw new ClusterCredentialsError(
        this.cluster.name,
        auth?.provider ?? 'serviceAccount',
        error,
      );
    }
    const actor =
      forUser && this.cluster.impersonate ? currentActor() : undefined;
    const who = actor && (await actor());
    if (!who) return { options };
    headers['Impersonate-User'] = who.user;
    if (who.groups.length) headers['Impersonate-Group'] = who.groups;
    return { options, actingAs: who.user };
  }

  async request<T = any>(
    method: string,
    path: ApiPath,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const { options, actingAs } = await this.requestOptions();
    const res = await httpJson({
      url: new URL(path, this.cluster.url),
      method,
      options,
      body,
      contentType,
      timeoutMs: this.timeoutMs,
      target: `cluster ${this.cluster.name}`,
    });
    if (res.statusCode >= 400)
      throw new KubernetesStatusError(
        res.statusCode,
        res.json,
        this.cluster.name,
        actingAs,
        { path, retryAfter: res.headers['retry-after'] },
      );
    return res.json as T;
  }

  /**
   * A watch as a stream of JSON lines. `onOpen` fires when the server accepted
   * it, `onDone` once when it ends: without an error when the server closed it
   * (a timeout), with a KubernetesStatusError for 410 Gone and other refusals.
   */
  async watch(
    path: ApiPath,
    query: Record<string, string>,
    handlers: {
      onOpen(): void;
      onEvent(type: string, obj: any): void;
      onDone(err?: unknown): void;
    },
  ): Promise<() => void> {
    const url = new URL(path, this.cluster.url);
    for (const [k, v] of Object.entries({ ...query, watch: 'true' }))
      url.searchParams.set(k, v);
    const { options } = await this.requestOptions(false);
    options.method = 'GET';
    (options.headers as Record<string, string>).Accept = 'application/json';
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
          done(
            new KubernetesStatusError(
              res.statusCode ?? 500,
              status,
              this.cluster.name,
              undefined,
              { path, retryAfter: res.headers['retry-after'] },
            ),
          );
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
                done(
                  new KubernetesStatusError(
                    event.object.code,
                    event.object,
                    this.cluster.name,
                    undefined,
                    { path },
                  ),
                );
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
    req.on('error', e =>
      done(new UnreachableError(`cluster ${this.cluster.name}`, e)),
    );
    req.end();
    return () => {
      finished = true;
      req.destroy();
    };
  }
}
