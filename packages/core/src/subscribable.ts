/** A set of listeners; `subscribe` returns its own unsubscribe. */
export class Subscribable<TListener extends (...args: never[]) => void> {
  protected readonly listeners: Set<TListener> = new Set();

  /** Calls every listener with the arguments. */
  emit(...args: Parameters<TListener>): void {
    for (const listener of this.listeners) listener(...args);
  }

  subscribe(listener: TListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
