/** Events of KalturaAvatarSession: each entry is the argument list its handlers receive. */
import type { MouthShape, Viseme } from '@orator/protocol';
import type { ConnectionState, SessionState } from './states.js';

export interface AvatarErrorEvent {
  message: string;
  code?: string;
}

export interface TurnStartEvent {
  turnId: string;
  turnNumber: number;
}

export interface TurnEndEvent {
  turnId: string;
  turnNumber: number;
  reason: 'completed' | 'interrupted';
  /** Audio of the turn that was sent, in ms. */
  durationMs: number;
}

/** Fired when the mouth moves to another viseme on the playback clock; drives custom renderers. */
export interface VisemeEvent {
  viseme: Viseme;
  /** Blended mouth parameters at the moment of the change. */
  mouth: MouthShape;
  turnId: string | undefined;
  /** Position in the turn's audio, in ms. */
  turnMs: number | undefined;
  /** Playback clock in seconds (AudioContext.currentTime while audio runs). */
  audioTime: number;
}

export type AvatarSessionEvents = {
  stateChange: [state: SessionState, previous: SessionState];
  connectionChange: [state: ConnectionState, previous: ConnectionState];
  speakingStart: [event: { turnId: string }];
  speakingEnd: [event: { turnId: string | undefined }];
  error: [error: AvatarErrorEvent];
  turnStart: [event: TurnStartEvent];
  turnEnd: [event: TurnEndEvent];
  audioBlocked: [];
  audioUnlocked: [];
  viseme: [event: VisemeEvent];
};
