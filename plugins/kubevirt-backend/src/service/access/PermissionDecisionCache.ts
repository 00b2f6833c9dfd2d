import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { PolicyDecision } from '@backstage/plugin-permission-common';
import { kubevirtVmPermissions } from '@kubevirt-backstage/plugin-kubevirt-common';

/** One principal's decisions on every VM permission, as one batch of the permission framework answered them. */
export interface DecisionSet {
  /** The decision per permission name. */
  readonly byPermission: Map<string, PolicyDecision>;
  /**
   * Equal for sets whose decisions are equal (whoever they were asked for), so
   * what is derived from the decisions alone can be shared between them.
   */
  readonly contentKey: string;
}

export interface PermissionDecisionCacheOptions {
  permissions: PermissionsService;
  /**
   * The user's ownership refs, part of the key: a user whose groups changed
   * (a new token after a catalog change) is asked again at once. Without it
   * user decisions are not cached.
   */
  userInfo?: UserInfoService;
  /** How long a decision set is reused. 0 turns caching off. */
  ttlMs: number;
  /** Entries kept at most; expired ones are swept first, then the oldest. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  set: Promise<DecisionSet>;
  expiresAt: number;
}

/**
 * The VM permission decisions of a principal, asked of the permission
 * framework once per `ttlMs` instead of once per request: a batch is an HTTP
 * round trip to the permission backend (a token issued on the user's behalf,
 * verified there, the policy, the answer validated), which cost more than the
 * whole list it decides. Keyed by who is asking and, for users, by the
 * ownership refs the policy decides with (`UserInfoService`, which Backstage
 * itself caches per token), so one principal's decisions never serve another
 * and a change of the user's groups takes effect with their next token; a
 * policy that reads anything else is followed within `ttlMs`. Conditional
 * decisions are cached as conditions: the VM's ownership and labels are
 * evaluated against them on every request, so a VM that changes owner is
 * judged by its new owner at once.
 */
export class PermissionDecisionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(private readonly options: PermissionDecisionCacheOptions) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  get size() {
    return this.entries.size;
  }

  async decisions(credentials: BackstageCredentials): Promise<DecisionSet> {
    if (this.options.ttlMs <= 0) return this.ask(credentials);
    const key = await this.keyOf(credentials);
    if (key === undefined) return this.ask(credentials);
    const now = this.now();
    const known = this.entries.get(key);
    if (known && known.expiresAt > now) return known.set;
    const entry: Entry = {
      set: this.ask(credentials),
      expiresAt: now + this.options.ttlMs,
    };
    // concurrent requests of one principal share the one batch in flight; a failed batch is not kept
    entry.set.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.evict(now);
    return entry.set;
  }

  /** Forgets every decision, e.g. after the policy's configuration changed. */
  clear() {
    this.entries.clear();
  }

  private async ask(credentials: BackstageCredentials): Promise<DecisionSet> {
    const results = await this.options.permissions.authorizeConditional(
      kubevirtVmPermissions.map(permission => ({ permission })),
      { credentials },
    );
    const byPermission = new Map(
      kubevirtVmPermissions.map((p, i) => [
        p.name,
        results[i] as PolicyDecision,
      ]),
    );
    return { byPermission, contentKey: JSON.stringify(results) };
  }

  /** Who is asking, as far as a policy can tell; undefined = not cacheable. */
  private async keyOf(
    credentials: BackstageCredentials,
  ): Promise<string | undefined> {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
      accessRestrictions?: unknown;
    };
    if (principal.type === 'user') {
      if (!this.options.userInfo || !principal.userEntityRef) return undefined;
      let ownership: string[];
      try {
        ({ ownershipEntityRefs: ownership } =
          await this.options.userInfo.getUserInfo(credentials));
      } catch {
        // no ownership to key on: the permission backend decides, uncached
        return undefined;
      }
      return JSON.stringify([
        'user',
        principal.userEntityRef,
        [...ownership].sort(),
      ]);
    }
    if (principal.type === 'service' && principal.subject)
      return JSON.stringify([
        'service',
        principal.subject,
        principal.accessRestrictions ?? null,
      ]);
    return undefined;
  }

  private evict(now: number) {
    for (const [key, entry] of this.entries)
      if (entry.expiresAt <= now) this.entries.delete(key);
    // still full: the least recently asked go first (Map keeps insertion order, refreshed on each miss)
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
