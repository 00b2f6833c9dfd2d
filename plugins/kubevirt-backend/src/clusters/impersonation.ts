import { AsyncLocalStorage } from 'node:async_hooks';

/** Whom a cluster call is made for: the Impersonate-User and Impersonate-Group it carries. */
export interface Impersonation {
  user: string;
  groups: string[];
}

/** Works out, once and only when a cluster asks, whom to impersonate; undefined: the broker itself. */
export type Actor = () => Promise<Impersonation | undefined>;

const actors = new AsyncLocalStorage<Actor>();

/**
 * Runs `fn` for a user: cluster calls it makes to clusters with
 * impersonation on carry that user. The caches' lists and watches are started
 * outside any such run, so they stay the broker.
 */
export function runForUser<T>(actor: Actor, fn: () => Promise<T>): Promise<T> {
  let resolved: Promise<Impersonation | undefined> | undefined;
  return actors.run(() => (resolved ??= actor()), fn);
}

/** The user the current call is made for, if any. */
export function currentActor(): Actor | undefined {
  return actors.getStore();
}

/** Runs `fn` as the broker even inside a user's run (a read whose result is shared between users). */
export function asBroker<T>(fn: () => T): T {
  return actors.exit(fn);
}
