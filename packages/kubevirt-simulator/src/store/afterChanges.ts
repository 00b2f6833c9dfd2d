/**
 * Work a controller does after the change that asked for it, not inside
 * it (as a real controller works from its watch, later): keys gathered
 * while the store records a change are handled together on the next turn
 * of the event loop, each on its own, so that one that fails (a write that
 * lost a race, an object that went meanwhile) does not stop the rest; the
 * next change of that object brings it back.
 */
export class AfterChanges {
  private readonly keys = new Set<string>();
  private scheduled = false;

  constructor(private readonly handle: (key: string) => void) {}

  add(key: string) {
    this.keys.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  get idle() {
    return !this.scheduled && !this.keys.size;
  }

  clear() {
    this.keys.clear();
  }

  private run() {
    this.scheduled = false;
    const keys = [...this.keys];
    this.keys.clear();
    for (const key of keys) {
      try {
        this.handle(key);
      } catch {
        // see above: the object's next change brings it back
      }
    }
  }
}
