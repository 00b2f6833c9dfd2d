import https from 'node:https';
import type { Simulator } from '../index';

export interface HeadersResponse {
  status: number;
  contentType: string;
  body: any;
}

/**
 * One HTTPS request to a simulator as the admin, with the headers and body
 * given as they are: for what kubectl does not let a test choose (an Accept
 * header, a Content-Type, a missing fieldManager).
 */
export function requestWithHeaders(
  sim: Simulator,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HeadersResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${sim.url}${path}`,
      {
        method,
        ca: sim.caCert,
        headers: {
          Authorization: `Bearer ${sim.tokens.admin}`,
          // node sends a DELETE's body unframed unless its length is given
          ...(options.body !== undefined
            ? { 'Content-Length': String(Buffer.byteLength(options.body)) }
            : {}),
          ...options.headers,
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: the text as it came
          }
          resolve({
            status: res.statusCode!,
            contentType: String(res.headers['content-type'] ?? ''),
            body,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
