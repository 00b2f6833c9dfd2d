/**
 * What a VM's QEMU guest agent reports, through KubeVirt's guestosinfo,
 * userlist and filesystemlist subresources.
 */
export interface VmGuestDiagnostics {
  /**
   * connected: the agent answered; not-connected: the VM runs but its guest
   * agent does not answer (not installed, or the guest has not booted yet);
   * not-running: there is no running instance to ask.
   */
  agent: 'connected' | 'not-connected' | 'not-running';
  /** Why there is nothing to show, in words (for not-connected and not-running). */
  reason?: string;
  /** The cluster's own words, when it refused. */
  clusterMessage?: string;
  guestAgentVersion?: string;
  hostname?: string;
  os?: {
    id?: string;
    name?: string;
    prettyName?: string;
    version?: string;
    kernelRelease?: string;
    kernelVersion?: string;
    machine?: string;
  };
  /** As the guest reports it: "<zone>, <offset in seconds>". */
  timezone?: string;
  /** Users logged in to the guest. */
  users: Array<{ userName: string; domain?: string; loginTime?: string }>;
  /** Mounted file systems with their usage. */
  filesystems: Array<{
    diskName: string;
    mountPoint: string;
    fileSystemType: string;
    usedBytes: number;
    totalBytes: number;
  }>;
}
