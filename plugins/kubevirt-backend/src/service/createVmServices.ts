import {
  AuditorService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ClusterStatus } from '@kubevirt-backstage/plugin-kubevirt-common';
import { ClusterCache } from '../cache/ClusterCache';
import { UserImpersonation } from '../clusters/UserImpersonation';
import { PermissionDecisionCache } from './access/PermissionDecisionCache';
import { VmAccess } from './access/VmAccess';
import { AuditRequests } from './AuditRequests';
import { BulkOperations } from './operations/BulkOperations';
import { CloneAndSavedVmTemplateOperations } from './operations/CloneAndSavedVmTemplateOperations';
import { CpuMemoryOperations } from './operations/CpuMemoryOperations';
import { CreateUpdateOperations } from './operations/CreateUpdateOperations';
import { DiagnosticsOperations } from './operations/DiagnosticsOperations';
import { DiskOperations } from './operations/DiskOperations';
import { MetadataOperations } from './operations/MetadataOperations';
import { MigrationOperations } from './operations/MigrationOperations';
import { NodeMaintenanceOperations } from './operations/NodeMaintenanceOperations';
import { NetworkInterfaceOperations } from './operations/NetworkInterfaceOperations';
import { PowerOperations } from './operations/PowerOperations';
import { SnapshotOperations } from './operations/SnapshotOperations';
import { VmOperationRunner } from './operations/VmOperationRunner';
import { OwnershipIndex } from './OwnershipIndex';
import { ClusterReads } from './reads/ClusterReads';
import { VmReads } from './reads/VmReads';

/** The broker's services, knowing nothing of HTTP: what the router and the actions call. */
export type VmServices = ReturnType<typeof createVmServices>;

/** Builds every VM service on one access module and one operation runner. */
export function createVmServices(options: {
  clusters: Map<string, ClusterCache>;
  ownership: OwnershipIndex;
  permissions: PermissionsService;
  auditor: AuditorService;
  auditRequests: AuditRequests;
  logger: LoggerService;
  /** Whom cluster calls act as on clusters that impersonate. */
  actors?: UserImpersonation;
  /** Clusters found but not usable, listed with the others. */
  unusableClusters?: () => ClusterStatus[];
  /** Each principal's VM decisions for a short time; default: asked per request. */
  decisionCache?: PermissionDecisionCache;
}) {
  const { clusters, ownership, permissions, auditor, auditRequests, logger } =
    options;
  const access = new VmAccess(
    clusters,
    ownership,
    permissions,
    options.decisionCache,
  );
  const runner = new VmOperationRunner(
    access,
    auditor,
    auditRequests,
    options.actors,
  );
  const clusterReads = new ClusterReads();
  const reads = new VmReads(
    clusters,
    access,
    ownership,
    clusterReads,
    logger,
    options.unusableClusters,
  );
  const power = new PowerOperations(runner);
  const snapshots = new SnapshotOperations(runner);
  const createUpdate = new CreateUpdateOperations(runner, reads, logger);
  const migration = new MigrationOperations(runner, power);
  return {
    access,
    runner,
    clusterReads,
    reads,
    power,
    snapshots,
    createUpdate,
    clonesAndSavedVmTemplates: new CloneAndSavedVmTemplateOperations(
      runner,
      createUpdate,
    ),
    disks: new DiskOperations(runner, logger),
    networkInterfaces: new NetworkInterfaceOperations(runner),
    cpuMemory: new CpuMemoryOperations(runner),
    migration,
    bulk: new BulkOperations(power, snapshots),
    diagnostics: new DiagnosticsOperations(runner),
    metadata: new MetadataOperations(runner),
    nodeMaintenance: new NodeMaintenanceOperations(
      runner,
      migration,
      permissions,
    ),
  };
}
