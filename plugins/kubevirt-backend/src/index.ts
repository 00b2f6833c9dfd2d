/**
 * The KubeVirt broker backend plugin.
 *
 * @packageDocumentation
 */
export { kubevirtPlugin as default } from './plugin';
