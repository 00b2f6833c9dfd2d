export interface Config {
  kubevirt?: {
    /**
     * VM roles: which Backstage users and groups hold which VM role, on which VMs.
     * Read by the permission policy module (@internal/plugin-permission-backend-module-kubevirt).
     * Only the backend reads it: the browser learns what it may do from the broker.
     * @visibility backend
     */
    roles?: {
      /**
       * Role bindings. A user gets the union of every binding that names the user
       * or one of the user's ownership refs (their groups).
       */
      bindings?: Array<{
        /** User and group entity refs, e.g. `group:default/team-payments`, `user:development/guest`. */
        subjects: string[];
        /** One of vm-viewer, vm-user, vm-power-user, vm-admin. */
        role: string;
        /**
         * Which VMs the role applies to: `all`, `owned` (VMs whose backstage.io/kubernetes-id
         * belongs to a catalog entity owned by the user or one of their groups), or an object
         * `{ owned?, clusters?, namespaces? }` whose parts must all match. Defaults to `all`.
         */
        scope?:
          | string
          | {
              owned?: boolean;
              clusters?: string[];
              /** `<namespace>` (any cluster) or `<cluster>/<namespace>`. */
              namespaces?: string[];
            };
      }>;
      /**
       * Role every signed-in user holds even without a binding. No default role
       * (the default) means no VM rights without a binding.
       */
      defaultRole?: string;
      /** Scope of the default role, same forms as a binding's scope. Defaults to `all`. */
      defaultScope?:
        | string
        | {
            owned?: boolean;
            clusters?: string[];
            namespaces?: string[];
          };
    };
  };
}
