import type { ServerMessage } from '@orator/protocol';

/** Control events that tell the speaking node what changed. */
export type ControlEvent = { type: 'turn-updated'; turnId: string } | { type: 'interrupt' } | { type: 'ended'; reason: string };

/** Viewer stream traffic: a JSON message or a binary audio frame. */
export type StreamEvent = { kind: 'message'; message: ServerMessage } | { kind: 'audio'; frame: Uint8Array };

/**
 * Carries control events to the node that speaks a session and stream traffic to every node with
 * viewers of it. In memory it is an event emitter; with Redis it is pub/sub.
 */
export interface EventBus {
  publishControl(sessionId: string, event: ControlEvent): Promise<void>;
  /** Receive control events of every session; returns the unsubscribe function. */
  onControl(handler: (sessionId: string, event: ControlEvent) => void): () => void;
  publishStream(sessionId: string, event: StreamEvent): void;
  /** Receive one session's stream; returns the unsubscribe function. */
  subscribeStream(sessionId: string, handler: (event: StreamEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}
