/**
 * Isomorphic parts of the KubeVirt plugins: permissions, the VM role table,
 * API types and validation shared by the browser and the backend.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './api';
export * from './catalog';
export * from './events';
export * from './names';
export * from './vmDeletion';
