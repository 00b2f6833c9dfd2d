import http from 'node:http';
import { Evaluator, ExecutionError, RangeSeries } from './evaluate';
import { VmHistory } from './history';
import { parse, parseDuration, PromQLError } from './promql';

/** Where the Prometheus HTTP API lives on the simulator's server. */
export const PROMETHEUS_PREFIX = '/prometheus';

const MAX_BODY = 1024 * 1024;

class ApiError extends Error {
  constructor(
    readonly errorType: 'bad_data' | 'execution' | 'internal',
    message: string,
  ) {
    super(message);
  }

  get status() {
    return { bad_data: 400, execution: 422, internal: 500 }[this.errorType];
  }
}

const invalidParam = (name: string, message: string) =>
  new ApiError('bad_data', `invalid parameter "${name}": ${message}`);

/** Prometheus' float text: never an exponent, NaN and ±Inf spelled its way. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const text = String(v);
  if (!/e/.test(text)) return text;
  return Math.abs(v) >= 1
    ? BigInt(Math.round(v)).toString()
    : v.toFixed(20).replace(/0+$/, '');
}

/** Unix seconds (with decimals) or RFC 3339, as Prometheus accepts; ms since the epoch. */
function parseTime(text: string | undefined, name: string): number {
  const value = text ?? '';
  if (/^[+-]?\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const t = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(t))
    throw invalidParam(name, `cannot parse "${value}" to a valid timestamp`);
  return t;
}

function parseStep(text: string | undefined): number {
  const value = text ?? '';
  if (/^[+-]?\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const d = parseDuration(value);
  if (d === undefined)
    throw invalidParam('step', `cannot parse "${value}" to a valid duration`);
  return d;
}

const seconds = (ms: number) => ms / 1000;

function matrix(series: RangeSeries[]) {
  return series.map(s => ({
    metric: s.labels,
    values: s.points.map(([t, v]) => [seconds(t), formatValue(v)]),
  }));
}

function readForm(
  req: http.IncomingMessage,
  url: URL,
): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.searchParams);
  if (req.method !== 'POST') return Promise.resolve(params);
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
      if (body.length > MAX_BODY) {
        reject(new ApiError('bad_data', 'request body too large'));
        req.destroy();
      }
    });
    req.on('end', () => {
      // like Go's r.FormValue: form body values come before the URL's
      const form = /application\/x-www-form-urlencoded/.test(
        req.headers['content-type'] ?? '',
      )
        ? new URLSearchParams(body)
        : new URLSearchParams();
      for (const [k, v] of form) params.set(k, v);
      resolve(params);
    });
    req.on('error', reject);
  });
}

/**
 * A Prometheus-compatible query API over the VMs' synthetic kubevirt_vmi_*
 * series: /api/v1/query and /api/v1/query_range (GET or form POST), the
 * series, labels and label values endpoints, buildinfo and the readiness
 * endpoints, answered in Prometheus' JSON.
 * No authentication, as a plain Prometheus has none.
 */
export class PrometheusApi {
  private readonly evaluator: Evaluator;

  constructor(
    history: VmHistory,
    private readonly now: () => number = Date.now,
  ) {
    this.evaluator = new Evaluator(history, now);
  }

  /** Answers a request under PROMETHEUS_PREFIX. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.slice(PROMETHEUS_PREFIX.length) || '/';
    const send = (code: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(code, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    try {
      if (path === '/-/healthy' || path === '/-/ready') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(
          path === '/-/ready'
            ? 'Prometheus Server is Ready.\n'
            : 'Prometheus Server is Healthy.\n',
        );
        return;
      }
      if (path === '/api/v1/status/buildinfo' && req.method === 'GET') {
        send(200, {
          status: 'success',
          data: {
            version: '3.5.0',
            revision: 'kubevirt-simulator',
            branch: 'HEAD',
            buildUser: 'simulator',
            buildDate: '20260101-00:00:00',
            goVersion: 'go1.24.4',
          },
        });
        return;
      }
      const labelValues = /^\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
      if (
        (path === '/api/v1/series' ||
          path === '/api/v1/labels' ||
          labelValues) &&
        (req.method === 'GET' || req.method === 'POST')
      ) {
        const form = await readForm(req, url);
        const series = this.series(form, path === '/api/v1/series');
        let data: unknown = series;
        if (path === '/api/v1/labels')
          data = [...new Set(series.flatMap(l => Object.keys(l)))].sort();
        if (labelValues) {
          const name = decodeURIComponent(labelValues[1]);
          data = [
            ...new Set(series.map(l => l[name]).filter(v => v !== undefined)),
          ].sort();
        }
        send(200, { status: 'success', data });
        return;
      }
      if (
        (path === '/api/v1/query' || path === '/api/v1/query_range') &&
        (req.method === 'GET' || req.method === 'POST')
      ) {
        const form = await readForm(req, url);
        send(200, {
          status: 'success',
          data:
            path === '/api/v1/query' ? this.query(form) : this.queryRange(form),
        });
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
    } catch (e) {
      const err =
        e instanceof ApiError
          ? e
          : new ApiError('internal', String((e as Error)?.message ?? e));
      send(err.status, {
        status: 'error',
        errorType: err.errorType,
        error: err.message,
      });
    }
  }

  private parse(query: string | null, param = 'query') {
    try {
      return parse(query ?? '');
    } catch (e) {
      if (e instanceof PromQLError) throw invalidParam(param, e.message);
      throw e;
    }
  }

  private exec<T>(run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (e instanceof ExecutionError)
        throw new ApiError('execution', e.message);
      throw e;
    }
  }

  /** The label sets matched by `match[]` between `start` and `end` (default: the last 6 hours, what the simulator keeps). */
  private series(form: URLSearchParams, required: boolean) {
    const matchers = form.getAll('match[]');
    if (required && !matchers.length)
      throw new ApiError('bad_data', 'no match[] parameter provided');
    const end = form.get('end')
      ? parseTime(form.get('end')!, 'end')
      : this.now();
    const start = form.get('start')
      ? parseTime(form.get('start')!, 'start')
      : end - 6 * 3_600_000;
    const selectors = (matchers.length ? matchers : ['{__name__=~".+"}']).map(
      m => {
        const expr = this.parse(m, 'match[]');
        if (expr.kind !== 'selector' || expr.rangeMs !== undefined)
          throw invalidParam(
            'match[]',
            `1:1: parse error: expected type instant vector selector, got ${
              expr.kind === 'selector' ? 'range vector' : 'expression'
            }`,
          );
        return expr;
      },
    );
    const seen = new Map<string, Record<string, string>>();
    for (const sel of selectors) {
      for (const labels of this.evaluator.seriesMatching(sel, start, end))
        seen.set(JSON.stringify(Object.entries(labels).sort()), labels);
    }
    return [...seen.values()];
  }

  private query(form: URLSearchParams) {
    const t = form.get('time')
      ? parseTime(form.get('time')!, 'time')
      : this.now();
    const expr = this.parse(form.get('query'));
    const v = this.exec(() => this.evaluator.instant(expr, t));
    const ts = seconds(t);
    switch (v.type) {
      case 'scalar':
        return { resultType: 'scalar', result: [ts, formatValue(v.value)] };
      case 'string':
        return { resultType: 'string', result: [ts, v.value] };
      case 'vector':
        return {
          resultType: 'vector',
          result: v.samples.map(s => ({
            metric: s.labels,
            value: [ts, formatValue(s.value)],
          })),
        };
      default:
        return { resultType: 'matrix', result: matrix(v.series) };
    }
  }

  private queryRange(form: URLSearchParams) {
    const start = parseTime(form.get('start') ?? undefined, 'start');
    const end = parseTime(form.get('end') ?? undefined, 'end');
    if (end < start)
      throw invalidParam('end', 'end timestamp must not be before start time');
    const step = parseStep(form.get('step') ?? undefined);
    if (step <= 0)
      throw invalidParam(
        'step',
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    if ((end - start) / step > 11000) {
      throw new ApiError(
        'bad_data',
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const expr = this.parse(form.get('query'));
    return {
      resultType: 'matrix',
      result: matrix(
        this.exec(() => this.evaluator.range(expr, start, end, step)),
      ),
    };
  }
}
