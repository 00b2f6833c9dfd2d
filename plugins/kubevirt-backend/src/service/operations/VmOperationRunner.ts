import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  KubernetesNameKind,
  VmOperation,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { z } from 'zod';
import { ClusterCache } from '../../cache/ClusterCache';
import { VmAccess } from '../access/VmAccess';
import { AuditRequests } from '../AuditRequests';
import { assertName } from '../names';
import { parseInput } from '../schemas';
import { VmRef } from '../VmRef';
import { clusterCall, dryRunOf } from './clusterCalls';
import { Actor, runForUser } from '../../clusters/impersonation';

/** What an operation's own code gets once the skeleton has run. */
export interface OperationContext<I> {
  /** The target cluster's cache and client. */
  cache: ClusterCache;
  /** The validated body (undefined for operations without one). */
  input: I;
  /** One cluster call, its failure mapped to the Backstage error that names the VM. */
  call<T>(fn: () => Promise<T>): Promise<T>;
}

/** One write, as the runner sees it. */
export interface OperationSpec<I> {
  /** The audit event id, e.g. `vm-snapshot`. */
  event: string;
  /** The VM (or, for creates and node operations, the cluster/namespace/name) the event names. */
  ref: VmRef;
  credentials: BackstageCredentials;
  /**
   * A VM permission decided on `ref`, `create` decided on its namespace, or a
   * check of the operation's own (it throws to refuse).
   */
  permission: VmOperation | 'create' | (() => Promise<void>);
  /** Names besides the VM reference's (a snapshot, a volume...), each checked before authorization. */
  names?: Array<[KubernetesNameKind, unknown]>;
  /** The request body and its schema; its dryRun flag goes into the audit event. */
  body?: { schema?: z.ZodType<I>; value: unknown };
  /** More audit metadata (what the write names besides the VM). */
  meta?: Record<string, unknown>;
}

const highSeverity = ['vm-delete', 'vm-restore', 'vm-update'];

/**
 * The one place a write runs: audit event (with the request, so it names the
 * user) → names → authorize → body validation (zod, 400 naming the field) →
 * cluster lookup → the operation's own checks and cluster calls, whose
 * failures map to Backstage errors. A refusal is audited and never reaches a
 * cluster; a name that is not one never reaches a permission check.
 */
export class VmOperationRunner {
  constructor(
    readonly access: VmAccess,
    private readonly auditor: AuditorService,
    /** Who asked, for the auditor: it names the user of the HTTP request an event carries. */
    readonly auditRequests: AuditRequests,
    /** Whom cluster calls act as on clusters that impersonate (none: always the broker). */
    private readonly actors?: {
      actorFor(credentials: BackstageCredentials): Actor;
    },
  ) {}

  async run<T, I = undefined>(
    spec: OperationSpec<I>,
    operation: (context: OperationContext<I>) => Promise<T>,
  ): Promise<T> {
    const { ref, credentials, permission, body } = spec;
    return this.audited(
      spec.event,
      ref,
      credentials,
      async () => {
        for (const [kind, value] of spec.names ?? []) assertName(kind, value);
        if (permission === 'create')
          await this.access.authorizeCreate(ref, credentials);
        else if (typeof permission === 'function') await permission();
        else {
          await this.access.authorize(ref, permission, credentials);
          this.access.assertCapable(ref, permission);
        }
        const input = (
          body?.schema ? parseInput(body.schema, body.value) : undefined
        ) as I;
        const cache = this.access.mustCluster(ref);
        return operation({
          cache,
          input,
          call: fn =>
            clusterCall(ref, fn).catch(error => {
              this.access.noteClusterRefusal(ref.cluster, error);
              throw error;
            }),
        });
      },
      { ...(body ? { dryRun: dryRunOf(body.value) } : {}), ...spec.meta },
    );
  }

  /** One audit event around `fn`: success, or failure with the error. */
  async audited<T>(
    eventId: string,
    ref: VmRef,
    credentials: BackstageCredentials,
    fn: () => Promise<T>,
    meta: Record<string, unknown> = {},
  ) {
    const event = await this.auditor.createEvent({
      eventId,
      request: await this.auditRequests.requestOf(credentials),
      severityLevel: highSeverity.includes(eventId) ? 'high' : 'medium',
      meta: {
        cluster: ref.cluster,
        namespace: ref.namespace,
        name: ref.name,
        actor: principalOf(credentials),
        ...meta,
      },
    });
    try {
      const result = await (this.actors
        ? runForUser(this.actors.actorFor(credentials), fn)
        : fn());
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}

function principalOf(credentials: BackstageCredentials) {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return p.userEntityRef ?? p.subject ?? p.type;
}
