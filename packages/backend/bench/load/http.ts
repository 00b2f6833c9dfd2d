import http from 'node:http';
import { performance } from 'node:perf_hooks';

// keep-alive as browsers do; enough sockets for 100 users with one request each in flight
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  status: number;
  body: any;
  ms: number;
}

/** One request over loopback HTTP/1.1; the latency is until the whole body arrived. */
export function request(
  url: string,
  options: {
    method?: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const payload =
    options.body === undefined ? undefined : JSON.stringify(options.body);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        agent,
        method: options.method ?? 'GET',
        headers: {
          ...(options.token
            ? { authorization: `Bearer ${options.token}` }
            : {}),
          ...(payload
            ? {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(payload),
              }
            : {}),
          ...options.headers,
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: kept as text for the error message
          }
          resolve({ status: res.statusCode ?? 0, body, ms });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`timeout: ${url}`)));
    if (payload) req.write(payload);
    req.end();
  });
}

/** Latencies and statuses per route, with the time window they were taken in. */
export class Recorder {
  readonly routes = new Map<
    string,
    { ms: number[]; statuses: Map<string, number> }
  >();
  started = performance.now();
  ended?: number;

  record(route: string, status: number | string, ms: number) {
    let r = this.routes.get(route);
    if (!r) {
      r = { ms: [], statuses: new Map() };
      this.routes.set(route, r);
    }
    r.ms.push(ms);
    const key = String(status);
    r.statuses.set(key, (r.statuses.get(key) ?? 0) + 1);
  }

  finish() {
    this.ended = performance.now();
  }

  get seconds() {
    return ((this.ended ?? performance.now()) - this.started) / 1000;
  }

  get total() {
    let n = 0;
    for (const r of this.routes.values()) n += r.ms.length;
    return n;
  }
}

export function pct(xs: number[], p: number) {
  if (!xs.length) return NaN;
  const sorted = Float64Array.from(xs).sort();
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}
