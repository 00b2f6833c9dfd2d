import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { PrometheusConfig } from './prometheusConfig';

/** One series of a range query as Prometheus answers it. */
export interface PromMatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export class PrometheusError extends Error {
  constructor(message: string, readonly statusCode?: number) {
    super(message);
  }
}

/** The part of the Prometheus HTTP API the broker reads: range queries, POSTed form-encoded. */
export class PrometheusClient {
  constructor(readonly config: PrometheusConfig, private readonly timeoutMs = 10_000) {}

  private ca(): Buffer | undefined {
    if (this.config.caData) return Buffer.from(this.config.caData, 'base64');
    // read per request: in development the simulator writes its CA after the broker starts
    if (this.config.caFile && fs.existsSync(this.config.caFile)) return fs.readFileSync(this.config.caFile);
    return undefined;
  }

  async queryRange(query: string, start: number, end: number, step: number): Promise<PromMatrixSeries[]> {
    const url = new URL(`${this.config.url}/api/v1/query_range`);
    const body = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) }).toString();
    const headers: Record<string, string> = {
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': String(Buffer.byteLength(body)),
      Accept: 'application/json',
    };
    if (this.config.bearerToken) headers.Authorization = `Bearer ${this.config.bearerToken}`;
    const transport = url.protocol === 'http:' ? http : https;
    const options: https.RequestOptions = { method: 'POST', headers, timeout: this.timeoutMs };
    if (url.protocol === 'https:') {
      options.ca = this.ca();
      options.rejectUnauthorized = !this.config.skipTLSVerify;
    }
    return new Promise((resolve, reject) => {
      const req = transport.request(url, options, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            reject(new PrometheusError(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`, res.statusCode));
            return;
          }
          if (json.status !== 'success') {
            reject(new PrometheusError(`${json.errorType ?? 'error'}: ${json.error ?? `HTTP ${res.statusCode}`}`, res.statusCode));
          } else if (json.data?.resultType !== 'matrix') {
            reject(new PrometheusError(`expected a matrix, got ${json.data?.resultType}`));
          } else resolve(json.data.result);
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', e => reject(new PrometheusError(e.message)));
      req.end(body);
    });
  }
}
