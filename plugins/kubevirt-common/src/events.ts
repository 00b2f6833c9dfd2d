/**
 * The broker publishes every VM change on the Backstage events service under
 * this topic, for backend consumers such as the catalog provider (the browser
 * gets signals instead).
 */
export const KUBEVIRT_VM_EVENTS_TOPIC = 'kubevirt.vm';

/**
 * Payload of a {@link KUBEVIRT_VM_EVENTS_TOPIC} event. A change of the VM's
 * instance or of anything else that belongs to the VM arrives as `modified`;
 * `deleted` means the VirtualMachine itself is gone.
 */
export interface VmChangeEvent {
  type: 'added' | 'modified' | 'deleted';
  cluster: string;
  namespace: string;
  name: string;
}
