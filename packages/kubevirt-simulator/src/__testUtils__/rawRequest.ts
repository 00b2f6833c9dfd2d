import type { Simulator } from '../index';
import { requestWithHeaders } from './requestWithHeaders';

/**
 * A JSON request to a simulator as the admin, for what kubectl and
 * client-node do not show (the status code) or would not send (a body of
 * another kind). Content-Length is set: Node sends no chunked body on a
 * DELETE.
 */
export function rawRequest(sim: Simulator) {
  return async (method: string, path: string, body?: unknown) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const res = await requestWithHeaders(sim, method, path, {
      body: text,
      headers: text
        ? {
            'Content-Type': 'application/json',
            'Content-Length': String(Buffer.byteLength(text)),
          }
        : {},
    });
    return { status: res.status, body: res.body };
  };
}
