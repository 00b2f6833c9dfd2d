import { Store } from '../store/store';

type Listener = (vmiUid: string) => void;

// A soft reboot changes nothing in the VMI object (virt-handler asks the guest agent or sends ACPI),
// so the parts that play the guest learn of it here, per simulator store.
const listeners = new WeakMap<Store, Set<Listener>>();

/** Tells the guest of the VMI with this uid to reboot inside its instance. */
export function rebootGuest(store: Store, vmiUid: string) {
  for (const listener of listeners.get(store) ?? []) listener(vmiUid);
}

/** Subscribes to guest reboots of one store; returns the unsubscribe. */
export function onGuestReboot(store: Store, listener: Listener) {
  const set = listeners.get(store) ?? new Set<Listener>();
  listeners.set(store, set);
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}
