import { LoggerService } from '@backstage/backend-plugin-api';
import {
  KubevirtApiClient,
  VmDetail,
  VmRef,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { KubevirtActionError, statusOf, vmLabel } from './errors';
import { pollUntil } from './poll';

/** What to wait for; every given part must hold. */
export interface VmTarget {
  /** One of these printableStatus values (Running, Stopped, Paused, ...). */
  status?: string[];
  /** KubeVirt's own readiness (status.ready) as well. */
  ready?: boolean;
  /** A condition of the VM (status.conditions), e.g. { type: 'Ready', status: 'True' }. */
  condition?: { type: string; status: string };
  /** The VM is gone (the broker answers 404). */
  gone?: boolean;
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  logger: LoggerService;
}

type Condition = {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
};

function conditionsOf(detail: VmDetail): Condition[] {
  return (
    (detail.vm as { status?: { conditions?: Condition[] } } | undefined)?.status
      ?.conditions ?? []
  ).filter(Boolean);
}

export function describeTarget(target: VmTarget): string {
  if (target.gone) return 'deleted';
  const parts = [
    target.status?.length ? `status ${target.status.join(' or ')}` : undefined,
    target.ready ? 'ready' : undefined,
    target.condition
      ? `condition ${target.condition.type}=${target.condition.status}`
      : undefined,
  ].filter(Boolean);
  return parts.join(' and ') || 'anything';
}

export function reached(
  detail: VmDetail | undefined,
  target: VmTarget,
): boolean {
  if (target.gone) return detail === undefined;
  if (!detail) return false;
  const { summary } = detail;
  if (target.status?.length && !target.status.includes(summary.status))
    return false;
  if (target.ready && !summary.ready) return false;
  if (target.condition) {
    const { type, status } = target.condition;
    if (!conditionsOf(detail).some(c => c.type === type && c.status === status))
      return false;
  }
  return true;
}

/** The VM as the broker sees it now; undefined when it does not (yet, or any more) exist. */
export async function readVm(
  client: KubevirtApiClient,
  ref: VmRef,
): Promise<VmDetail | undefined> {
  try {
    return await client.getVm(ref);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw new KubevirtActionError('read', ref, error);
  }
}

/**
 * Polls the broker until the VM reaches the target. A 404 is "not there yet"
 * while waiting for anything but deletion: the broker's cache follows the
 * cluster's watch, so a VM created a moment ago may not be listed yet.
 */
export async function waitForVm(
  client: KubevirtApiClient,
  ref: VmRef,
  target: VmTarget,
  options: WaitOptions,
) {
  let lastStatus: string | undefined;
  const what = describeTarget(target);
  options.logger.info(
    `Waiting up to ${Math.round(options.timeoutMs / 1000)}s for ${vmLabel(
      ref,
    )} to be ${what}`,
  );
  return pollUntil<VmDetail | undefined>({
    read: () => readVm(client, ref),
    done: detail => reached(detail, target),
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    signal: options.signal,
    onValue: detail => {
      const status = detail ? detail.summary.status : 'not found';
      if (status !== lastStatus) {
        options.logger.info(
          `${vmLabel(ref)}: ${status}${
            detail?.summary.ready ? ' (ready)' : ''
          }`,
        );
        lastStatus = status;
      }
    },
    timeoutMessage: last => {
      const now = last
        ? `status ${last.summary.status}${
            last.summary.ready ? ', ready' : ', not ready'
          }`
        : 'not found';
      const failing = last
        ? conditionsOf(last).find(c => c.status === 'False' && c.message)
        : undefined;
      return `Timed out after ${Math.round(
        options.timeoutMs / 1000,
      )}s waiting for ${vmLabel(ref)} to be ${what}; it is ${now}${
        failing ? ` (${failing.type}: ${failing.message})` : ''
      }`;
    },
  });
}
