import { StatusError } from '../api/errors';

/** responsewriters ErrorToAPIStatus of an error that is no API status: StatusReasonUnknown, which is left out. */
class NotAnApiStatus extends StatusError {
  override toStatus() {
    const status = super.toStatus();
    delete (status as Partial<typeof status>).reason;
    return status;
  }
}

/**
 * storage APIObjectVersioner.ParseResourceVersion: "" and "0" are 0, any
 * other value must be an unsigned integer. The storage layer's invalid
 * error reaches the client as it does from kube-apiserver 1.32: not an
 * API status, so ErrorToAPIStatus makes it a 500 without a reason
 * (kubernetes/kubernetes#101350, #139485 ask for a 400; 1.32 answers 500).
 */
export function parseResourceVersion(value: string | null): number {
  if (!value || value === '0') return 0;
  if (/^\d+$/.test(value)) return Number(value);
  throw new NotAnApiStatus(
    500,
    '',
    `resourceVersion: Invalid value: "${value}": strconv.ParseUint: parsing "${value}": invalid syntax`,
  );
}
