import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';

/** A child process whose output goes to a log file, stopped by its pid. */
export type Service = {
  name: string;
  child: ChildProcess;
  log: string;
  /** resolves with the exit code once the process has ended */
  exited: Promise<number | null>;
  stop(): Promise<void>;
};

export function startService(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; log: string },
): Service {
  const out = fs.openSync(options.log, 'w');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  const exited = new Promise<number | null>(resolve =>
    child.on('exit', code => resolve(code)),
  );
  return {
    name,
    child,
    log: options.log,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function tail(file: string, chars = 4000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-chars);
  } catch {
    return '';
  }
}

/**
 * Polls `url` until it answers 200. Fails at once, with the end of the log, when the process ends
 * first. Returns the seconds it took from `since`.
 */
export async function waitUntilReady(
  service: Service,
  url: string,
  timeoutMs: number,
  since = Date.now(),
): Promise<number> {
  let ended = false;
  service.exited.then(() => {
    ended = true;
  });
  const deadline = since + timeoutMs;
  while (Date.now() < deadline) {
    if (ended) {
      throw new Error(
        `${service.name} exited (code ${
          service.child.exitCode
        }) before ${url} answered 200:\n${tail(service.log)}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return (Date.now() - since) / 1000;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(
    `${service.name}: ${url} did not answer 200 within ${timeoutMs} ms:\n${tail(
      service.log,
    )}`,
  );
}

/** Resident set size of a process in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round(kb / 1024);
}
