import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

/** The far end did not answer: refused, reset, unresolvable, TLS failure or no answer in time. */
export class UnreachableError extends Error {
  constructor(readonly target: string, readonly cause: unknown) {
    const c = cause as { code?: string; message?: string };
    super(
      `${target} is unreachable: ${
        c?.code && !c.message?.includes(c.code)
          ? `${c.code} ${c.message ?? ''}`.trim()
          : c?.message ?? String(cause)
      }`,
    );
  }
}

/** What the server answered, its body parsed as JSON when it is JSON (else `{ message: text }`). */
export interface HttpJsonResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface HttpJsonRequest {
  url: URL;
  method: string;
  /** TLS (ca, cert, key, rejectUnauthorized) and headers, e.g. as client-node's KubeConfig fills them. */
  options?: https.RequestOptions;
  /** A JSON value, or a body already encoded with its content type. */
  body?: unknown;
  contentType?: string;
  timeoutMs: number;
  /** Names the far end in errors, e.g. `cluster prod-east`. */
  target: string;
}

/** TLS options for a server with a private CA (base64 PEM or a file read at each call: it may appear later). */
export function tlsOptions(tls: {
  caData?: string;
  caFile?: string;
  skipTLSVerify?: boolean;
}): https.RequestOptions {
  let ca: Buffer | undefined;
  if (tls.caData) ca = Buffer.from(tls.caData, 'base64');
  else if (tls.caFile && fs.existsSync(tls.caFile))
    ca = fs.readFileSync(tls.caFile);
  return { ca, rejectUnauthorized: !tls.skipTLSVerify };
}

/**
 * The one HTTP JSON call of the broker, for clusters and Prometheus alike:
 * TLS as given, a timeout, a body framed with Content-Length (a DELETE body
 * is otherwise sent neither sized nor chunked, which an API server reads as
 * garbage), and every transport failure as an UnreachableError naming the
 * target. Any HTTP status resolves; the caller maps its own error bodies.
 */
export function httpJson(request: HttpJsonRequest): Promise<HttpJsonResponse> {
  const { url, method, timeoutMs, target } = request;
  const options = request.options ?? {};
  const headers: Record<string, string | string[]> = {
    Accept: 'application/json',
    ...(options.headers as Record<string, string | string[]> | undefined),
  };
  let payload: string | undefined;
  if (request.body !== undefined) {
    payload =
      typeof request.body === 'string' &&
      request.contentType &&
      !request.contentType.includes('json')
        ? request.body
        : JSON.stringify(request.body);
    headers['Content-Type'] = request.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      url,
      { ...options, method, headers, timeout: timeoutMs },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('error', e => reject(new UnreachableError(target, e)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = { message: text.trim() };
          }
          resolve({
            statusCode: res.statusCode ?? 500,
            headers: res.headers,
            text,
            json,
          });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(
        Object.assign(new Error(`no answer within ${timeoutMs} ms`), {
          code: 'ETIMEDOUT',
        }),
      ),
    );
    req.on('error', e => reject(new UnreachableError(target, e)));
    req.end(payload);
  });
}

/**
 * What a 401 or 403 means for the broker, in words an operator can act on:
 * the broker's credentials were refused (401), or whoever the call ran as
 * lacks a right (403): the broker itself, or the user it impersonated.
 */
export function refusalText(
  statusCode: number,
  cluster: string,
  actingAs?: string,
  message = '',
): string | undefined {
  if (statusCode === 401)
    return `cluster ${cluster} answered 401: the broker's credentials were refused`;
  if (statusCode !== 403) return undefined;
  // apiserver's impersonation filter refuses the requester, not the user (impersonation.go)
  if (actingAs && / cannot impersonate resource /.test(message))
    return `the broker may not impersonate on cluster ${cluster}`;
  return actingAs
    ? `the cluster ${cluster} refused ${actingAs}`
    : `the broker lacks the right on cluster ${cluster}`;
}

/** A refusal's text as the cluster list shows it: what the 401/403 means for the broker, then the cluster's words. */
export function statusErrorText(error: {
  statusCode: number;
  cluster: string;
  message: string;
  actingAs?: string;
}): string {
  const why = refusalText(
    error.statusCode,
    error.cluster,
    error.actingAs,
    error.message,
  );
  return why ? `${why}: ${error.message}` : error.message;
}
