import { useEffect, useRef, useState } from 'react';
import { useLiveSignalClient } from './signals/useLiveSignalClient';

/**
 * A counter that goes up (at most every `debounceMs`) when the broker signals
 * a change on `channel`, when the channel becomes live on the signals socket
 * (first connect, reconnect: a signal sent before then is lost), and every
 * few minutes (LiveSignalClient's resync), so the view reads again. Fetches depend on it instead of calling retry(), which
 * react-use ignores while a fetch is in flight: the last answer always
 * reflects the last signal, and a burst of signals costs one fetch. No
 * channel, no subscription.
 */
export function useSignalRefresh(
  channel: string | undefined,
  debounceMs = 250,
) {
  const client = useLiveSignalClient();
  const [heard, setHeard] = useState(0);
  useEffect(
    () =>
      channel && client
        ? client.subscribe(channel, () => setHeard(h => h + 1))
        : undefined,
    [client, channel],
  );
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (!heard) return undefined;
    const timer = setTimeout(() => setGeneration(g => g + 1), debounceMs);
    return () => clearTimeout(timer);
  }, [heard, debounceMs]);
  return generation;
}

/**
 * Calls `onSignal` when something arrives on `channel`, or when the view
 * should read again (see useSignalRefresh): one per visible row of a list.
 */
export const SignalWatch = ({
  channel,
  onSignal,
}: {
  channel: string;
  onSignal: () => void;
}) => {
  const client = useLiveSignalClient();
  // the subscription outlives a new callback: no unsubscribe/subscribe per render
  const callback = useRef(onSignal);
  callback.current = onSignal;
  useEffect(
    () => client?.subscribe(channel, () => callback.current()),
    [client, channel],
  );
  return null;
};
