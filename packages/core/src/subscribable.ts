/** A set of listeners; `subscribe` returns its own unsubscribe. */
export class Subscribable<TListener extends (...args: never[]) => void> {
  protected readonly listeners: Set<TListener> = new Set();

  subscribe(listener: TListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
