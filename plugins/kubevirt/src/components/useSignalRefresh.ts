import { useSignal } from '@backstage/plugin-signals-react';
import { useEffect, useState } from 'react';

/**
 * A counter that goes up (at most every `debounceMs`) when the broker signals
 * a change on `channel`. Fetches depend on it instead of calling retry(),
 * which react-use ignores while a fetch is in flight: the last answer always
 * reflects the last signal, and a burst of signals costs one fetch.
 */
export function useSignalRefresh(channel: string, debounceMs = 250) {
  const { lastSignal } = useSignal(channel);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (!lastSignal) return undefined;
    const timer = setTimeout(() => setGeneration(g => g + 1), debounceMs);
    return () => clearTimeout(timer);
  }, [lastSignal, debounceMs]);
  return generation;
}

/** Calls `onSignal` when something arrives on `channel`: one per visible row of a list. */
export const SignalWatch = ({
  channel,
  onSignal,
}: {
  channel: string;
  onSignal: () => void;
}) => {
  const { lastSignal } = useSignal(channel);
  useEffect(() => {
    if (lastSignal) onSignal();
  }, [lastSignal, onSignal]);
  return null;
};
