/**
 * A VM's labels and annotations as the overview edits them: the whole sets
 * the user wants, against the resourceVersion they were read at.
 */
export interface UpdateVmMetadataRequest {
  /** The VM's metadata.resourceVersion the editor started from; a newer VM is a 409 with the current object. */
  resourceVersion: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  dryRun?: boolean;
}

export interface UpdateVmMetadataResponse {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  resourceVersion: string;
  dryRun: boolean;
  /** The keys added, changed or removed. */
  changed: { labels: string[]; annotations: string[] };
}
