/** A small typed event emitter: `EventMap` maps each event name to its handler's argument tuple. */
export type EventMap = Record<string, unknown[]>;
export type Handler<Args extends unknown[]> = (...args: Args) => void;

/** Stored form of every handler; on() and emit() keep the per-event types. */
type AnyHandler = (...args: unknown[]) => void;

export class TypedEmitter<Events extends EventMap> {
  private readonly handlers = new Map<keyof Events, Set<AnyHandler>>();

  /** Errors thrown by handlers go here, so one faulty handler cannot break the SDK or other handlers. */
  constructor(private readonly onHandlerError: (event: string, error: unknown) => void = () => {}) {}

  on<K extends keyof Events>(event: K, handler: Handler<Events[K]>): void {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as unknown as AnyHandler);
  }

  /** Remove one handler, or every handler of the event when `handler` is omitted. */
  off<K extends keyof Events>(event: K, handler?: Handler<Events[K]>): void {
    if (handler === undefined) {
      this.handlers.delete(event);
      return;
    }
    this.handlers.get(event)?.delete(handler as unknown as AnyHandler);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.handlers.get(event);
    if (!set) return;

    // Copy first: a handler may call off() or on() while we iterate.
    for (const handler of [...set]) {
      try {
        handler(...args);
      } catch (error) {
        this.onHandlerError(String(event), error);
      }
    }
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.handlers.get(event)?.size ?? 0;
  }

  removeAll(): void {
    this.handlers.clear();
  }
}
