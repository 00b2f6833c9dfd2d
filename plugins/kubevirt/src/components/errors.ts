import { ResponseError } from '@backstage/errors';

/**
 * The broker's own words for a failure. ResponseError's message is only
 * "Request failed with 409 Conflict"; what the broker said (which VM, which
 * cluster, why) is in the serialized error of the body.
 */
export function errorText(error: unknown): string {
  const body = (error as ResponseError)?.body;
  const said = body?.error?.message;
  const status = body?.response?.statusCode;
  if (said) return status === 403 ? `Not allowed: ${said}` : said;
  return (error as Error)?.message ?? String(error);
}

export function isNotFound(error: unknown) {
  return (
    (error as ResponseError)?.body?.response?.statusCode === 404 ||
    (error as ResponseError)?.response?.status === 404
  );
}

export function isConflict(error: unknown) {
  return (
    (error as ResponseError)?.body?.response?.statusCode === 409 ||
    (error as ResponseError)?.response?.status === 409
  );
}
