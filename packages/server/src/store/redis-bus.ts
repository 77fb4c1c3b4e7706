import type { ServerMessage } from '@orator/protocol';
import type { ControlEvent, EventBus, StreamEvent } from './bus.js';
import { quit } from './redis-store.js';
import type { RedisClient } from './redis/client.js';
import { RedisKeys } from './redis/keys.js';

/** Logger of the bus; a pino or Fastify logger fits. */
export interface BusLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

// First byte of a stream message on the wire, then the payload.
const STREAM_JSON = 0x01;
const STREAM_AUDIO = 0x02;

// Failed stream publishes are logged at most once per this interval. Audio frames go out ten
// times a second per session, so a Redis outage would otherwise flood the log.
const PUBLISH_ERROR_LOG_INTERVAL_MS = 10_000;

interface StreamSubscription {
  handlers: Set<(event: StreamEvent) => void>;
  /** Settles when Redis has acknowledged the SUBSCRIBE. */
  ready: Promise<void>;
}

/**
 * Event bus on Redis pub/sub. Control events of every session go to `<prefix>ctl:<sessionId>` and
 * every node receives them through one pattern subscription. Viewer stream traffic goes to
 * `<prefix>stream:<sessionId>` and only nodes with a viewer of that session subscribe to it.
 * Messages are binary so audio frames pass unchanged. Pub/sub delivers at most once: a message
 * published while a node is disconnected from Redis is lost to that node.
 */
export class RedisBus implements EventBus {
  private readonly keys: RedisKeys;
  private readonly controlHandlers = new Set<(sessionId: string, event: ControlEvent) => void>();
  private readonly streams = new Map<string, StreamSubscription>();
  /** Last SUBSCRIBE or UNSUBSCRIBE sent per channel, so the two never overtake each other. */
  private readonly channelOps = new Map<string, Promise<void>>();
  private publishFailures = 0;
  private lastPublishErrorLogAt = 0;
  private closed = false;

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    prefix: string,
    private readonly log: BusLogger,
    private readonly ownsPublisher: boolean,
  ) {
    this.keys = new RedisKeys(prefix);
    subscriber.on('pmessageBuffer', (_pattern: Buffer | string, channel: Buffer, message: Buffer) =>
      this.onControlMessage(channel, message),
    );
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.onStreamMessage(channel, message));
  }

  /**
   * Start a bus: `subscriber` must be a separate connection, because a connection in subscribe mode
   * accepts no other commands. Resolves once the control pattern subscription is acknowledged.
   */
  static async start(options: {
    publisher: RedisClient;
    subscriber: RedisClient;
    prefix: string;
    log: BusLogger;
    ownsPublisher?: boolean;
  }): Promise<RedisBus> {
    const bus = new RedisBus(options.publisher, options.subscriber, options.prefix, options.log, options.ownsPublisher ?? false);
    await options.subscriber.psubscribe(bus.keys.controlPattern());
    return bus;
  }

  async publishControl(sessionId: string, event: ControlEvent): Promise<void> {
    await this.publisher.publish(this.keys.controlChannel(sessionId), JSON.stringify(event));
  }

  onControl(handler: (sessionId: string, event: ControlEvent) => void): () => void {
    this.controlHandlers.add(handler);
    return () => this.controlHandlers.delete(handler);
  }

  publishStream(sessionId: string, event: StreamEvent): void {
    const payload = encodeStreamEvent(event);
    this.publisher.publish(this.keys.streamChannel(sessionId), payload).catch((error: unknown) => this.onPublishError(error, sessionId));
  }

  async subscribeStream(sessionId: string, handler: (event: StreamEvent) => void): Promise<() => void> {
    const channel = this.keys.streamChannel(sessionId);
    let subscription = this.streams.get(channel);
    if (!subscription) {
      subscription = { handlers: new Set(), ready: this.serialize(channel, () => this.subscriber.subscribe(channel)) };
      this.streams.set(channel, subscription);
    }
    subscription.handlers.add(handler);

    try {
      await subscription.ready;
    } catch (error) {
      // A failed SUBSCRIBE must not be reused by the next viewer of this session.
      if (this.streams.get(channel) === subscription) this.streams.delete(channel);
      subscription.handlers.delete(handler);
      throw error;
    }
    return () => this.removeHandler(channel, subscription, handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;

    this.controlHandlers.clear();
    this.streams.clear();
    await quit(this.subscriber);
    if (this.ownsPublisher) await quit(this.publisher);
  }

  private removeHandler(channel: string, subscription: StreamSubscription, handler: (event: StreamEvent) => void): void {
    if (!subscription.handlers.delete(handler) || subscription.handlers.size > 0) return;
    if (this.streams.get(channel) !== subscription || this.closed) return;

    this.streams.delete(channel);
    void this.serialize(channel, () => this.subscriber.unsubscribe(channel)).catch((error: unknown) =>
      this.log.warn({ err: error, channel }, 'stream unsubscribe failed'),
    );
  }

  /** Run `operation` after the previous SUBSCRIBE or UNSUBSCRIBE of the channel has settled. */
  private serialize(channel: string, operation: () => Promise<unknown>): Promise<void> {
    const previous = this.channelOps.get(channel) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        await operation();
      });
    this.channelOps.set(channel, next);

    const forget = () => {
      if (this.channelOps.get(channel) === next) this.channelOps.delete(channel);
    };
    next.then(forget, forget);
    return next;
  }

  private onControlMessage(channel: Buffer, message: Buffer): void {
    const sessionId = this.keys.sessionOfControlChannel(channel.toString('utf8'));
    if (sessionId === undefined) return;

    let event: ControlEvent;
    try {
      event = JSON.parse(message.toString('utf8')) as ControlEvent;
    } catch (error) {
      this.log.warn({ err: error, sessionId }, 'ignoring a control event that is not JSON');
      return;
    }
    for (const handler of this.controlHandlers) {
      try {
        handler(sessionId, event);
      } catch (error) {
        this.log.error({ err: error, sessionId, type: event.type }, 'control event handler failed');
      }
    }
  }

  private onStreamMessage(channel: Buffer, message: Buffer): void {
    const subscription = this.streams.get(channel.toString('utf8'));
    if (!subscription) return;

    const event = decodeStreamEvent(message);
    if (!event) {
      this.log.warn({ channel: channel.toString('utf8'), bytes: message.length }, 'ignoring an undecodable stream message');
      return;
    }
    for (const handler of subscription.handlers) {
      try {
        handler(event);
      } catch (error) {
        this.log.error({ err: error }, 'stream event handler failed');
      }
    }
  }

  private onPublishError(error: unknown, sessionId: string): void {
    this.publishFailures += 1;
    const now = Date.now();
    if (now - this.lastPublishErrorLogAt < PUBLISH_ERROR_LOG_INTERVAL_MS) return;

    this.lastPublishErrorLogAt = now;
    this.log.error(
      { err: error, sessionId, failures: this.publishFailures },
      'stream publish failed; viewers on other nodes miss these messages',
    );
    this.publishFailures = 0;
  }
}

/** Wire form of a stream event: one type byte, then the JSON text or the audio frame. */
export function encodeStreamEvent(event: StreamEvent): Buffer {
  if (event.kind === 'audio') {
    const buffer = Buffer.allocUnsafe(1 + event.frame.byteLength);
    buffer[0] = STREAM_AUDIO;
    buffer.set(event.frame, 1);
    return buffer;
  }
  return Buffer.concat([Buffer.of(STREAM_JSON), Buffer.from(JSON.stringify(event.message), 'utf8')]);
}

export function decodeStreamEvent(message: Buffer): StreamEvent | undefined {
  const type = message[0];
  const payload = message.subarray(1);

  if (type === STREAM_AUDIO) return { kind: 'audio', frame: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength) };
  if (type !== STREAM_JSON) return undefined;
  try {
    return { kind: 'message', message: JSON.parse(payload.toString('utf8')) as ServerMessage };
  } catch {
    return undefined;
  }
}
