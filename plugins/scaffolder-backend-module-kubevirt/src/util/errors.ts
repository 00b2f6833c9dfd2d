import { ResponseError } from '@backstage/errors';
import { VmRef } from '@kubevirt-backstage/plugin-kubevirt-common';

/** The HTTP status of a broker error, when it was one. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof ResponseError ? error.response.status : undefined;
}

const reasons: Record<number, string> = {
  400: 'rejected as invalid',
  403: 'permission denied',
  404: 'not found',
  409: 'conflict',
  503: 'cluster unavailable',
};

/** What the broker said, without the "Request failed with ..." wrapper of ResponseError. */
function brokerMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export const vmLabel = (ref: VmRef) =>
  `VM ${ref.namespace}/${ref.name} on cluster ${ref.cluster}`;

/**
 * A task log line reads best when it says what was attempted, on which VM
 * and cluster, and why the broker refused; the status is kept for callers.
 */
export class KubevirtActionError extends Error {
  readonly status?: number;
  constructor(what: string, ref: VmRef, cause: unknown) {
    const status = statusOf(cause);
    const reason = status ? `${reasons[status] ?? `HTTP ${status}`}: ` : '';
    super(
      `Could not ${what} ${vmLabel(ref)}: ${reason}${brokerMessage(cause)}`,
    );
    this.name = 'KubevirtActionError';
    this.status = status;
  }
}
