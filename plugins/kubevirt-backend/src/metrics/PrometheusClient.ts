import { httpJson, tlsOptions } from '../clusters/httpJson';
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
  constructor(
    readonly config: PrometheusConfig,
    private readonly timeoutMs = 10_000,
  ) {}

  async queryRange(
    query: string,
    start: number,
    end: number,
    step: number,
  ): Promise<PromMatrixSeries[]> {
    const url = new URL(`${this.config.url}/api/v1/query_range`);
    const options = tlsOptions(this.config);
    if (this.config.bearerToken)
      options.headers = { Authorization: `Bearer ${this.config.bearerToken}` };
    let res;
    try {
      res = await httpJson({
        url,
        method: 'POST',
        options,
        body: new URLSearchParams({
          query,
          start: String(start),
          end: String(end),
          step: String(step),
        }).toString(),
        contentType: 'application/x-www-form-urlencoded',
        timeoutMs: this.timeoutMs,
        target: `Prometheus of cluster ${this.config.cluster}`,
      });
    } catch (error) {
      throw new PrometheusError((error as Error).message);
    }
    const json = res.json;
    if (json?.status !== 'success') {
      throw new PrometheusError(
        json?.errorType || json?.error
          ? `${json.errorType ?? 'error'}: ${
              json.error ?? `HTTP ${res.statusCode}`
            }`
          : `HTTP ${res.statusCode}: ${res.text.slice(0, 200)}`,
        res.statusCode,
      );
    }
    if (json.data?.resultType !== 'matrix')
      throw new PrometheusError(
        `expected a matrix, got ${json.data?.resultType}`,
      );
    return json.data.result;
  }
}
