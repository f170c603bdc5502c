// Layer: shared. A listener registration that can be undone, and a tiny typed listener list
// (cheaper and better typed than EventEmitter on hot paths such as data chunks).

export interface Disposable {
  dispose(): void;
}

export class Listeners<A extends unknown[]> {
  private list: Array<(...args: A) => void> = [];

  add(listener: (...args: A) => void): Disposable {
    this.list = [...this.list, listener];
    return { dispose: () => void (this.list = this.list.filter((l) => l !== listener)) };
  }

  /** Calls every listener; the list is copied on change, so a listener may (un)register others. */
  emit(...args: A): void {
    for (const l of this.list) l(...args);
  }

  get size(): number {
    return this.list.length;
  }
}
