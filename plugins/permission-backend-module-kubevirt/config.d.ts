export interface Config {
  kubevirt?: {
    /**
     * VM roles: which Backstage users and groups hold which VM role, on which VMs.
     * Read by the permission policy module (@kubevirt-backstage/plugin-permission-backend-module-kubevirt).
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
      /**
       * The Kubernetes plugin (@backstage/plugin-kubernetes-backend) reaches the same
       * clusters with the same credentials as the VM broker, so its permissions are
       * decided here. Unset: nobody may use its proxy (`kubernetes.proxy`); only holders
       * of a VM role with scope `all` may read objects through it
       * (`kubernetes.resources.read`); every signed-in user may list its clusters
       * (`kubernetes.clusters.read`).
       */
      kubernetesPlugin?: {
        /**
         * User and group entity refs that may use `/api/kubernetes/proxy`: any request
         * to any cluster with the plugin's credentials (Secrets and writes included).
         * Default: nobody.
         */
        proxy?: string[];
        /**
         * User and group entity refs that may read objects through the Kubernetes plugin
         * (its objects, services and resources routes, which return every object
         * labelled for the entity, VMs included, in every namespace), besides holders of
         * a VM role with scope `all` and the `proxy` subjects.
         */
        resourcesRead?: string[];
        /**
         * `true` restores the old, unsafe behaviour: the Kubernetes plugin's permissions
         * go to the delegate policy (allow-all unless another module sets one), so every
         * signed-in user can read and change VMs and Secrets through the proxy whatever
         * their VM role. Cannot be combined with `proxy` or `resourcesRead`.
         */
        ignoreVmRoles?: boolean;
      };
    };
  };
}
