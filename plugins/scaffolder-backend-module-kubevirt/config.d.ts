export interface Config {
  scaffolder?: {
    kubevirt?: {
      /**
       * Where kubevirt:catalog:register-local writes entities (relative to the
       * backend's working directory). Add a `file` location for `<dir>/*.yaml`
       * to catalog.locations so the catalog reads them. Unset: the action fails
       * with a hint to publish to a git host instead.
       */
      localCatalogDirectory?: string;
    };
  };
}
