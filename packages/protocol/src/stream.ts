import type { EndReason } from './session.js';
import type { VisemeCue, WordTiming } from './visemes.js';

/**
 * Viewer stream protocol, version 1 (docs/protocol.md is the full description).
 *
 * The client opens the WebSocket URL from `init-client` and sends `auth` with the session JWT as
 * its first message, so the token never appears in a URL. Text frames carry the JSON messages
 * below. Binary frames carry audio: an 8-byte header (uint32 LE turn number, uint32 LE sample
 * offset of the first sample within that turn's audio) followed by PCM, signed 16-bit
 * little-endian mono at `audio.sampleRate`.
 */
export const STREAM_PROTOCOL_VERSION = 1;

/** Length in bytes of the header in front of the PCM in every binary audio frame. */
export const AUDIO_FRAME_HEADER_BYTES = 8;

/** Maximum audio in one binary frame, in ms. */
export const AUDIO_FRAME_MAX_MS = 100;

/** WebSocket close codes the server uses, beside the standard 1000 (normal) and 1001 (going away). */
export const StreamCloseCode = {
  /** The first message was not a valid `auth`, or it did not arrive in time. */
  AuthFailed: 4001,
  /** The token is valid but belongs to another session. */
  Forbidden: 4003,
  SessionNotFound: 4004,
  /** The viewer read too slowly and its send buffer passed the limit. */
  SlowConsumer: 4008,
  SessionEnded: 4010,
  /** The client sent a message that is not part of the protocol. */
  ProtocolError: 4000,
} as const;

export interface AudioFormat {
  encoding: 'pcm_s16le';
  sampleRate: number;
  channels: 1;
  /** Maximum audio per binary frame, in ms. */
  frameMs: number;
}

// Client → server

export interface AuthMessage {
  type: 'auth';
  token: string;
  protocol?: number;
}

export interface PongMessage {
  type: 'pong';
  t: number;
}

export type ClientMessage = AuthMessage | PongMessage;

// Server → client

export interface ReadyMessage {
  type: 'ready';
  protocol: number;
  sessionId: string;
  avatarId: string;
  voiceId: string;
  audio: AudioFormat;
  /** Interval of `heartbeat` messages in ms; a client that hears nothing for 3 intervals reconnects. */
  heartbeatMs: number;
  speaking: boolean;
}

export interface TurnStartMessage {
  type: 'turn-start';
  turnId: string;
  /** Turn number used in the binary audio frame header. */
  turnNumber: number;
}

export interface SegmentMessage {
  type: 'segment';
  turnId: string;
  turnNumber: number;
  index: number;
  text: string;
  /** Offset of this segment's audio within the turn's audio, in ms. */
  startMs: number;
  durationMs: number;
  /** Cues with times in ms from the turn's audio start. */
  visemes: VisemeCue[];
  words: WordTiming[];
}

export interface TurnEndMessage {
  type: 'turn-end';
  turnId: string;
  turnNumber: number;
  reason: 'completed' | 'interrupted';
  /** Total audio of the turn that was sent, in ms. */
  durationMs: number;
}

export interface InterruptedMessage {
  type: 'interrupted';
  turnId?: string;
  droppedTurnIds: string[];
}

export interface SpeakingStartMessage {
  type: 'speaking-start';
  turnId: string;
}

export interface SpeakingEndMessage {
  type: 'speaking-end';
}

export interface HeartbeatMessage {
  type: 'heartbeat';
  t: number;
}

export interface SessionEndedMessage {
  type: 'session-ended';
  reason: EndReason;
}

export interface StreamErrorMessage {
  type: 'error';
  code: string;
  message: string;
}

export type ServerMessage =
  | ReadyMessage
  | TurnStartMessage
  | SegmentMessage
  | TurnEndMessage
  | InterruptedMessage
  | SpeakingStartMessage
  | SpeakingEndMessage
  | HeartbeatMessage
  | SessionEndedMessage
  | StreamErrorMessage;

/** Encode one binary audio frame: header then PCM. */
export function encodeAudioFrame(turnNumber: number, sampleOffset: number, pcm: Uint8Array): Uint8Array {
  const frame = new Uint8Array(AUDIO_FRAME_HEADER_BYTES + pcm.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint32(0, turnNumber, true);
  view.setUint32(4, sampleOffset, true);
  frame.set(pcm, AUDIO_FRAME_HEADER_BYTES);
  return frame;
}

/** Decode the header of a binary audio frame; the PCM is a view, not a copy. */
export function decodeAudioFrame(frame: ArrayBuffer | Uint8Array): { turnNumber: number; sampleOffset: number; pcm: Int16Array } {
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (bytes.byteLength < AUDIO_FRAME_HEADER_BYTES || (bytes.byteLength - AUDIO_FRAME_HEADER_BYTES) % 2 !== 0) {
    throw new RangeError(`invalid audio frame of ${bytes.byteLength} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pcmBytes = bytes.slice(AUDIO_FRAME_HEADER_BYTES);
  return {
    turnNumber: view.getUint32(0, true),
    sampleOffset: view.getUint32(4, true),
    pcm: new Int16Array(pcmBytes.buffer, pcmBytes.byteOffset, pcmBytes.byteLength / 2),
  };
}
