import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { vmReadPermission } from '@kubevirt-backstage/plugin-kubevirt-common';

/**
 * The identity signals-backend 0.3 gives a websocket that brought no token:
 * a signal sent to this ref reaches every anonymous socket, so it is never a
 * recipient, whoever signs in under it.
 */
export const ANONYMOUS_SIGNALS_USER = 'user:default/guest';

interface Viewer {
  userEntityRef: string;
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  /** The user's conditional `kubevirt.vm.read` decision; undefined until the first one arrives. */
  read?: PolicyDecision;
  /** Equal decisions share a key, so one change tests each distinct decision once. */
  readKey?: string;
  decidedAt: number;
  lastSeen: number;
  refreshing?: Promise<void>;
}

export interface ActiveViewersOptions {
  permissions: PermissionsService;
  auth: AuthService;
  logger: LoggerService;
  /** A user's read decision is asked again after this long (while their token is valid). Default 60 s. */
  refreshMs?: number;
  /** A user who made no broker request for this long is forgotten. Default 1 h. */
  idleMs?: number;
  /** How many decisions a refresh sweep asks for at once. */
  concurrency?: number;
  now?: () => number;
}

/**
 * The users who use the broker now, each with their own conditional `read`
 * decision on VMs: the only possible recipients of VM signals. A user enters
 * with an authenticated broker request; their decision is asked again at most
 * every `refreshMs` with the credentials of their last request, so role and
 * ownership changes take effect; they leave when that fails, when their token
 * expires, or after `idleMs` without a request. Deciding who may read a
 * changed VM is then local: no network call per change.
 */
export class ActiveViewers {
  private readonly viewers = new Map<string, Viewer>();
  private readonly refreshMs: number;
  private readonly idleMs: number;
  private readonly now: () => number;
  private timer?: ReturnType<typeof setInterval>;
  private sweeping?: Promise<void>;

  constructor(private readonly options: ActiveViewersOptions) {
    this.refreshMs = options.refreshMs ?? 60_000;
    this.idleMs = options.idleMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
  }

  /** Keeps decisions fresh and drops expired and idle users in the background. */
  start() {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sweep().catch(e =>
        this.options.logger.warn(`Signal recipients not refreshed: ${e}`),
      );
    }, Math.max(250, Math.min(this.refreshMs, 60_000)));
    this.timer.unref?.();
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.viewers.clear();
  }

  get size() {
    return this.viewers.size;
  }

  /**
   * Records an authenticated request. A user new to the broker waits for
   * their first decision (so what changes after their first answer reaches
   * them); later requests only refresh a stale decision in the background.
   * Never fails: a user whose decision cannot be had is simply no recipient.
   */
  async seen(credentials: BackstageCredentials): Promise<void> {
    if (!this.options.auth.isPrincipal(credentials, 'user')) return;
    const userEntityRef = credentials.principal.userEntityRef;
    if (!userEntityRef || userEntityRef === ANONYMOUS_SIGNALS_USER) return;
    const now = this.now();
    if (this.expired(credentials, now)) return;
    const known = this.viewers.get(userEntityRef);
    if (known) {
      known.lastSeen = now;
      // the newest token of the user is the one kept for refreshes
      if (expiryOf(credentials) >= expiryOf(known.credentials))
        known.credentials = credentials;
      // a first decision still being asked is waited for; a refresh is not
      if (!known.read && known.refreshing) await known.refreshing;
      else if (!known.refreshing && now - known.decidedAt >= this.refreshMs)
        this.refresh(known);
      return;
    }
    const viewer: Viewer = {
      userEntityRef,
      credentials,
      decidedAt: 0,
      lastSeen: now,
    };
    this.viewers.set(userEntityRef, viewer);
    await this.refresh(viewer);
  }

  /**
   * The users whose read decision allows the VM `resource`: O(active users),
   * each distinct decision evaluated once, nothing asked over the network.
   */
  readersOf<R>(
    resource: R,
    matches: (decision: PolicyDecision, resource: R) => boolean,
  ): string[] {
    const now = this.now();
    const verdicts = new Map<string, boolean>();
    const readers: string[] = [];
    for (const viewer of this.viewers.values()) {
      if (!viewer.read || viewer.read.result === AuthorizeResult.DENY) continue;
      if (
        this.expired(viewer.credentials, now) ||
        now - viewer.lastSeen > this.idleMs
      )
        continue;
      let verdict = verdicts.get(viewer.readKey!);
      if (verdict === undefined) {
        verdict =
          viewer.read.result === AuthorizeResult.ALLOW ||
          matches(viewer.read, resource);
        verdicts.set(viewer.readKey!, verdict);
      }
      if (verdict) readers.push(viewer.userEntityRef);
    }
    return readers;
  }

  /** One pass: forget who left or expired, ask again where a decision is stale. */
  async sweep(): Promise<void> {
    if (this.sweeping) return this.sweeping;
    const run = async () => {
      const now = this.now();
      const stale: Viewer[] = [];
      for (const viewer of [...this.viewers.values()]) {
        if (
          this.expired(viewer.credentials, now) ||
          now - viewer.lastSeen > this.idleMs
        ) {
          this.viewers.delete(viewer.userEntityRef);
        } else if (
          !viewer.refreshing &&
          now - viewer.decidedAt >= this.refreshMs
        ) {
          stale.push(viewer);
        }
      }
      const concurrency = Math.max(1, this.options.concurrency ?? 8);
      for (let i = 0; i < stale.length; i += concurrency) {
        await Promise.all(
          stale.slice(i, i + concurrency).map(v => this.refresh(v)),
        );
      }
    };
    this.sweeping = run().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private refresh(viewer: Viewer): Promise<void> {
    viewer.refreshing ??= (async () => {
      try {
        const [read] = (await this.options.permissions.authorizeConditional(
          [{ permission: vmReadPermission }],
          {
            credentials: viewer.credentials,
          },
        )) as PolicyDecision[];
        viewer.read = read;
        viewer.readKey = JSON.stringify(read);
        viewer.decidedAt = this.now();
      } catch (error) {
        // no decision (an expired token, the permission backend away): no signals until the next request
        if (this.viewers.get(viewer.userEntityRef) === viewer)
          this.viewers.delete(viewer.userEntityRef);
        this.options.logger.debug(
          `Signals to ${viewer.userEntityRef} stopped: ${error}`,
        );
      } finally {
        viewer.refreshing = undefined;
      }
    })();
    return viewer.refreshing;
  }

  private expired(credentials: BackstageCredentials, now: number) {
    return expiryOf(credentials) <= now;
  }
}

function expiryOf(credentials: BackstageCredentials) {
  return credentials.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
}
