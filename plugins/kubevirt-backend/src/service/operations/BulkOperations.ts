import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  BulkResponse,
  BulkResult,
} from '@kubevirt-backstage/plugin-kubevirt-common';
import { httpStatusOf } from '../httpStatus';
import { bulkBody } from '../operationSchemas';
import { parseInput } from '../schemas';
import { PowerOperations } from './PowerOperations';
import { SnapshotOperations } from './SnapshotOperations';

/**
 * One action on many VMs. It has no audit event or permission of its own:
 * each VM goes through its operation's own run (authorized, called and
 * audited on its own) and answers for itself.
 */
export class BulkOperations {
  constructor(
    private readonly power: PowerOperations,
    private readonly snapshots: SnapshotOperations,
  ) {}

  /** One action on many VMs; each VM is authorized, called and audited on its own, and answers for itself. */
  async bulk(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<BulkResponse> {
    const input = parseInput(bulkBody, body);
    const results: BulkResult[] = [];
    for (const ref of input.vms) {
      try {
        if (input.action === 'snapshot') {
          const { snapshot } = await this.snapshots.snapshot(
            ref,
            input.dryRun ? { dryRun: true } : {},
            credentials,
          );
          results.push({
            ...ref,
            ok: true,
            status: 201,
            snapshot: snapshot.name,
          });
        } else {
          await this.power.act(
            ref,
            input.action,
            input.dryRun ? { dryRun: true } : {},
            credentials,
          );
          results.push({ ...ref, ok: true, status: 202 });
        }
      } catch (error) {
        results.push({
          ...ref,
          ok: false,
          status: httpStatusOf(error),
          error: (error as Error).message,
        });
      }
    }
    return { action: input.action, dryRun: !!input.dryRun, results };
  }
}
