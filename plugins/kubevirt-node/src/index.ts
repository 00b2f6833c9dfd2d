/**
 * Node.js parts of the KubeVirt plugins shared by the broker, the permission
 * policy module and the catalog and scaffolder modules: permission resource
 * refs, rules and conditions, and the broker's service ref.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './service';
