/** Sleeps, or rejects as soon as the task is cancelled. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal) {
  const error = new Error(
    `Cancelled: ${
      signal.reason instanceof Error
        ? signal.reason.message
        : 'the task was cancelled'
    }`,
  );
  error.name = 'AbortError';
  return error;
}

export interface PollOptions<T> {
  /** Reads the current state; may throw to stop waiting. */
  read: () => Promise<T>;
  done: (value: T) => boolean;
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  /** Called on every read, e.g. to log a changed status once. */
  onValue?: (value: T) => void;
  /** The message of the timeout error, from the last value read. */
  timeoutMessage: (last: T | undefined) => string;
}

/** Reads until done, the timeout or a cancel: whichever comes first. */
export async function pollUntil<T>(options: PollOptions<T>): Promise<T> {
  const until = Date.now() + options.timeoutMs;
  let last: T | undefined;
  for (;;) {
    if (options.signal?.aborted) throw abortError(options.signal);
    last = await options.read();
    options.onValue?.(last);
    if (options.done(last)) return last;
    const left = until - Date.now();
    if (left <= 0) throw new Error(options.timeoutMessage(last));
    await sleep(Math.min(options.intervalMs, left), options.signal);
  }
}
