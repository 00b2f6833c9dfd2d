import { useApi } from '@backstage/core-plugin-api';
import { kubevirtSignalChannels } from '@kubevirt-backstage/plugin-kubevirt-common';
import { useEffect, useState } from 'react';
import { kubevirtApiRef } from '../../api';
import { errorText, isNotFound } from '../errors';
import { useSignalRefresh } from '../useSignalRefresh';
import { Wait } from './operations';

export type WaitState =
  | { phase: 'waiting'; text: string }
  | { phase: 'reached'; text: string }
  | { phase: 'failed'; text: string }
  | { phase: 'timeout'; text: string };

/** Signals can be lost (a reconnecting socket); a slow re-read keeps the wait honest. */
const FALLBACK_POLL_MS = 5000;

/**
 * Follows a started operation until the cluster shows its target state: every
 * change the broker signals on the VM's channel triggers a fresh read, which
 * the operation's `reached` test judges.
 */
export function useVmWait(
  wait: Wait | undefined,
  timeoutMs = 180_000,
): WaitState | undefined {
  const api = useApi(kubevirtApiRef);
  const generation = useSignalRefresh(
    wait ? kubevirtSignalChannels.vm(wait.ref) : undefined,
    50,
  );
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<WaitState>();
  const settled =
    state?.phase === 'reached' ||
    state?.phase === 'failed' ||
    state?.phase === 'timeout';

  useEffect(() => {
    setState(wait ? { phase: 'waiting', text: 'request accepted' } : undefined);
    if (!wait) return undefined;
    const poll = setInterval(() => setTick(t => t + 1), FALLBACK_POLL_MS);
    const timeout = setTimeout(
      () =>
        setState(s =>
          s?.phase === 'waiting'
            ? {
                phase: 'timeout',
                text: `Not ${wait.target} after ${Math.round(
                  timeoutMs / 1000,
                )} s (${s.text}); the cluster keeps working on it`,
              }
            : s,
        ),
      timeoutMs,
    );
    return () => {
      clearInterval(poll);
      clearTimeout(timeout);
    };
  }, [wait, timeoutMs]);

  useEffect(() => {
    if (!wait || settled) return undefined;
    let cancelled = false;
    api
      .getVm(wait.ref)
      .catch(error => {
        if (isNotFound(error)) return undefined;
        throw error;
      })
      .then(detail => {
        if (cancelled) return;
        const reached = wait.reached(detail);
        if (typeof reached === 'string')
          setState({ phase: 'failed', text: reached });
        else if (reached) setState({ phase: 'reached', text: wait.target });
        else setState({ phase: 'waiting', text: wait.progress(detail) });
      })
      .catch(error => {
        if (!cancelled)
          setState({
            phase: 'waiting',
            text: `cannot read the VM: ${errorText(error)}`,
          });
      });
    return () => {
      cancelled = true;
    };
  }, [api, wait, generation, tick, settled]);

  return state;
}
