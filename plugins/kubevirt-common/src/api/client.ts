import { ResponseError } from '@backstage/errors';
import {
  AcceptedResponse,
  AddVolumeRequest,
  AddVolumeResponse,
  ClusterStatus,
  CloneRequest,
  CloneResponse,
  CreateSnapshotRequest,
  CreateSnapshotResponse,
  CreateVmRequest,
  CreateVmResponse,
  GoldenImageOption,
  InstancetypeOption,
  ItemsResponse,
  NamespaceOption,
  PreferenceOption,
  RestoreRequest,
  RestoreResponse,
  UpdateVmRequest,
  UpdateVmResponse,
  VmDetail,
  VmListQuery,
  VmListResponse,
  VmRef,
  MetricsRange,
  VmMetricsResponse,
  VmConsoleKind,
  ResizeDiskRequest,
  ResizeDiskResponse,
  AddInterfaceRequest,
  InterfaceChangeResponse,
  HotplugResourcesRequest,
  HotplugResourcesResponse,
  SaveAsSavedVmTemplateRequest,
  SavedVmTemplate,
  CreateVmFromSavedVmTemplateRequest,
  EvacuateNodeResponse,
  BulkRequest,
  BulkResponse,
} from './types';
import { VmGuestDiagnostics } from './guestDiagnostics';
import {
  NodeMaintenanceResponse,
  NodeMaintenanceStatus,
} from './nodeMaintenance';
import {
  UpdateVmMetadataRequest,
  UpdateVmMetadataResponse,
} from './vmMetadata';
import {
  VM_CONSOLE_PROTOCOL,
  VM_CONSOLE_TOKEN_PROTOCOL_PREFIX,
} from './consoleProtocol';
import { VmAction } from './vmActions';

const enc = encodeURIComponent;
const vmPath = (ref: VmRef) =>
  `/vms/${enc(ref.cluster)}/${enc(ref.namespace)}/${enc(ref.name)}`;
/** base64url without padding, in the browser and in Node. */
function base64url(text: string) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const dryRunQuery = (options: { dryRun?: boolean }) =>
  options.dryRun ? '?dryRun=true' : '';

/** The two things the client needs, as both Backstage's browser and backend APIs provide them. */
export interface KubevirtApiClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi: { fetch: typeof fetch };
}

/** The broker's REST API, typed; throws ResponseError with the broker's message on failure. */
export class KubevirtApiClient {
  constructor(private readonly options: KubevirtApiClientOptions) {}

  private async call<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.options.discoveryApi.getBaseUrl('kubevirt');
    const res = await this.options.fetchApi.fetch(`${base}${path}`, init);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }

  private send<T>(method: string, path: string, body: unknown) {
    return this.call<T>(path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  listClusters() {
    return this.call<{ items: ClusterStatus[] }>('/clusters');
  }

  listVms(query: VmListQuery = {}) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === '') continue;
      params.set(k, Array.isArray(v) ? v.join(',') : String(v));
    }
    const qs = params.toString();
    return this.call<VmListResponse>(`/vms${qs ? `?${qs}` : ''}`);
  }

  getVm(ref: VmRef) {
    return this.call<VmDetail>(vmPath(ref));
  }

  /** What the VM's guest agent reports; agent says why there is nothing when it cannot answer. */
  getVmDiagnostics(ref: VmRef) {
    return this.call<VmGuestDiagnostics>(`${vmPath(ref)}/diagnostics`);
  }

  act(ref: VmRef, action: VmAction, options: { dryRun?: boolean } = {}) {
    return this.send<{ accepted: boolean }>(
      'POST',
      `${vmPath(ref)}/${action}`,
      options.dryRun ? { dryRun: true } : {},
    );
  }

  deleteVm(ref: VmRef, options: { dryRun?: boolean } = {}) {
    return this.call<{ accepted: boolean }>(
      `${vmPath(ref)}${dryRunQuery(options)}`,
      { method: 'DELETE' },
    );
  }

  /** 201 with the new VM's summary; a 400 names the field that is wrong. */
  createVm(request: CreateVmRequest) {
    return this.send<CreateVmResponse>('POST', '/vms', request);
  }

  /** Replaces the VM; a 409 (ResponseError) carries `body.error.currentResourceVersion` and `current`. */
  updateVm(ref: VmRef, request: UpdateVmRequest) {
    return this.send<UpdateVmResponse>('PUT', vmPath(ref), request);
  }

  /** Sets the VM's labels and annotations; a 409 (ResponseError) carries `body.error.currentResourceVersion` and `current`. */
  updateVmMetadata(ref: VmRef, request: UpdateVmMetadataRequest) {
    return this.send<UpdateVmMetadataResponse>(
      'PATCH',
      `${vmPath(ref)}/metadata`,
      request,
    );
  }

  createSnapshot(ref: VmRef, request: CreateSnapshotRequest = {}) {
    return this.send<CreateSnapshotResponse>(
      'POST',
      `${vmPath(ref)}/snapshots`,
      request,
    );
  }

  deleteSnapshot(
    ref: VmRef,
    snapshot: string,
    options: { dryRun?: boolean } = {},
  ) {
    return this.call<AcceptedResponse>(
      `${vmPath(ref)}/snapshots/${enc(snapshot)}${dryRunQuery(options)}`,
      { method: 'DELETE' },
    );
  }

  restoreSnapshot(ref: VmRef, request: RestoreRequest) {
    return this.send<RestoreResponse>(
      'POST',
      `${vmPath(ref)}/restores`,
      request,
    );
  }

  cloneVm(ref: VmRef, request: CloneRequest) {
    return this.send<CloneResponse>('POST', `${vmPath(ref)}/clone`, request);
  }

  addVolume(ref: VmRef, request: AddVolumeRequest) {
    return this.send<AddVolumeResponse>(
      'POST',
      `${vmPath(ref)}/volumes`,
      request,
    );
  }

  removeVolume(ref: VmRef, volume: string, options: { dryRun?: boolean } = {}) {
    return this.call<AcceptedResponse>(
      `${vmPath(ref)}/volumes/${enc(volume)}${dryRunQuery(options)}`,
      { method: 'DELETE' },
    );
  }

  cancelMigration(ref: VmRef, options: { dryRun?: boolean } = {}) {
    return this.send<AcceptedResponse>(
      'POST',
      `${vmPath(ref)}/cancelMigration`,
      options.dryRun ? { dryRun: true } : {},
    );
  }

  /** Namespaces of the cluster where the caller may create VMs. */
  listNamespaces(cluster: string) {
    return this.call<ItemsResponse<NamespaceOption>>(
      `/clusters/${enc(cluster)}/namespaces`,
    );
  }

  /** Cluster instancetypes, plus those of `namespace` when given. */
  listInstancetypes(cluster: string, options: { namespace?: string } = {}) {
    const qs = options.namespace ? `?namespace=${enc(options.namespace)}` : '';
    return this.call<ItemsResponse<InstancetypeOption>>(
      `/clusters/${enc(cluster)}/instancetypes${qs}`,
    );
  }

  listPreferences(cluster: string, options: { namespace?: string } = {}) {
    const qs = options.namespace ? `?namespace=${enc(options.namespace)}` : '';
    return this.call<ItemsResponse<PreferenceOption>>(
      `/clusters/${enc(cluster)}/preferences${qs}`,
    );
  }

  /** DataSources (golden images) with their OS and source. */
  listGoldenImages(cluster: string) {
    return this.call<ItemsResponse<GoldenImageOption>>(
      `/clusters/${enc(cluster)}/goldenimages`,
    );
  }

  /** CPU, memory, network and storage series of a VM; 501 (NotImplementedError) when its cluster has no Prometheus. */
  getVmMetrics(ref: VmRef, options: { range?: MetricsRange } = {}) {
    return this.call<VmMetricsResponse>(
      `${vmPath(ref)}/metrics${
        options.range ? `?range=${enc(options.range)}` : ''
      }`,
    );
  }

  /**
   * The websocket URL and subprotocols of a VM's serial console or VNC:
   * `new WebSocket(url, protocols)`, binary frames both ways. The token is the
   * caller's Backstage token (identityApi.getCredentials()).
   */
  async consoleConnection(ref: VmRef, kind: VmConsoleKind, token: string) {
    const base = await this.options.discoveryApi.getBaseUrl('kubevirt');
    const url = `${base.replace(/^http/, 'ws')}${vmPath(ref)}/${kind}`;
    const encoded = base64url(token);
    return {
      url,
      protocols: [
        VM_CONSOLE_PROTOCOL,
        `${VM_CONSOLE_TOKEN_PROTOCOL_PREFIX}${encoded}`,
      ],
    };
  }

  /** Grows the PVC behind a disk (the storage class must allow expansion). */
  resizeDisk(ref: VmRef, volume: string, request: ResizeDiskRequest) {
    return this.send<ResizeDiskResponse>(
      'POST',
      `${vmPath(ref)}/disks/${enc(volume)}/resize`,
      request,
    );
  }

  /** Adds a NIC; `applied` says whether the running VM got it (hot-plug) or needs a restart. */
  addInterface(ref: VmRef, request: AddInterfaceRequest) {
    return this.send<InterfaceChangeResponse>(
      'POST',
      `${vmPath(ref)}/interfaces`,
      request,
    );
  }

  removeInterface(
    ref: VmRef,
    name: string,
    options: { dryRun?: boolean } = {},
  ) {
    return this.call<InterfaceChangeResponse>(
      `${vmPath(ref)}/interfaces/${enc(name)}${dryRunQuery(options)}`,
      { method: 'DELETE' },
    );
  }

  /** CPU sockets and guest memory; more of either on a running VM is applied by a live migration. */
  hotplugResources(ref: VmRef, request: HotplugResourcesRequest) {
    return this.send<HotplugResourcesResponse>(
      'PATCH',
      `${vmPath(ref)}/resources`,
      request,
    );
  }

  saveAsSavedVmTemplate(ref: VmRef, request: SaveAsSavedVmTemplateRequest) {
    return this.send<{ template: SavedVmTemplate; dryRun: boolean }>(
      'POST',
      `${vmPath(ref)}/template`,
      request,
    );
  }

  /** Saved VM templates of a cluster in the namespaces where the caller may create VMs. */
  listSavedVmTemplates(cluster: string) {
    return this.call<ItemsResponse<SavedVmTemplate>>(
      `/clusters/${enc(cluster)}/templates`,
    );
  }

  createVmFromSavedVmTemplate(
    template: { cluster: string; namespace: string; name: string },
    request: CreateVmFromSavedVmTemplateRequest,
  ) {
    return this.send<CreateVmResponse>(
      'POST',
      `/clusters/${enc(template.cluster)}/templates/${enc(
        template.namespace,
      )}/${enc(template.name)}/vms`,
      request,
    );
  }

  /** Live-migrates every VM off a node; per VM, migrating or why not. */
  evacuateNode(
    cluster: string,
    node: string,
    options: { dryRun?: boolean } = {},
  ) {
    return this.send<EvacuateNodeResponse>(
      'POST',
      `/clusters/${enc(cluster)}/nodes/${enc(node)}/evacuate`,
      options.dryRun ? { dryRun: true } : {},
    );
  }

  /** A node's maintenance state: cordoned or not, and the VMs still on it. */
  getNodeMaintenance(cluster: string, node: string) {
    return this.call<NodeMaintenanceStatus>(
      `/clusters/${enc(cluster)}/nodes/${enc(node)}/maintenance`,
    );
  }

  /** Cordons the node, then live-migrates its VMs (a result per VM). */
  startNodeMaintenance(
    cluster: string,
    node: string,
    options: { dryRun?: boolean } = {},
  ) {
    return this.send<NodeMaintenanceResponse>(
      'POST',
      `/clusters/${enc(cluster)}/nodes/${enc(node)}/maintenance`,
      options.dryRun ? { dryRun: true } : {},
    );
  }

  /** Uncordons the node: VMs may land on it again. */
  stopNodeMaintenance(
    cluster: string,
    node: string,
    options: { dryRun?: boolean } = {},
  ) {
    return this.call<NodeMaintenanceResponse>(
      `/clusters/${enc(cluster)}/nodes/${enc(node)}/maintenance${dryRunQuery(
        options,
      )}`,
      { method: 'DELETE' },
    );
  }

  /** One action on several VMs, each authorized on its own; 200 with a result per VM. */
  bulk(request: BulkRequest) {
    return this.send<BulkResponse>('POST', '/vms/bulk', request);
  }
}
