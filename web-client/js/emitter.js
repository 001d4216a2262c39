// A small event emitter: views announce what changed and others listen, so that no module reaches
// into another's functions.
export class Emitter {
  #handlers = new Map();  // event name -> Set of handlers

  on(name, handler) {
    if (!this.#handlers.has(name)) this.#handlers.set(name, new Set());
    this.#handlers.get(name).add(handler);
    return () => this.off(name, handler);
  }

  off(name, handler) {
    const set = this.#handlers.get(name);
    if (set) set.delete(handler);
  }

  emit(name, ...args) {
    for (const handler of [...(this.#handlers.get(name) || [])]) {
      try {
        handler(...args);
      } catch (e) {
        // One listener's failure must not stop the others; it is still reported.
        setTimeout(() => { throw e; });
      }
    }
  }
}
