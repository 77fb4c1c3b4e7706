/** Request and response bodies of the session control endpoints under `/v1/avatar-session`. */

export interface CreateSessionRequest {
  visualConfig?: { avatarId?: string; id?: string };
  voiceConfig?: { id?: string; speed?: number };
}

export interface CreateSessionResponse {
  success: true;
  sessionId: string;
  token: string;
}

export interface InitClientResponse {
  success: true;
  /** Orator extension: WebSocket URL of the viewer stream (see docs/protocol.md). */
  streamUrl: string;
  /** Orator extension: version of the viewer stream protocol the server speaks. */
  protocolVersion: number;
}

export interface SayTextRequest {
  text: string;
  turnId?: string;
  isFinal?: boolean;
  /** Orator extension: chunk sequence number within the turn, starting at 0, for idempotent retries. */
  seq?: number;
}

export interface SayTextResponse {
  success: true;
  turnId: string;
  /** Orator extension: true when the chunk was a retry of one already accepted. */
  duplicate?: boolean;
  /** Orator extension: true when the turn was interrupted and the chunk was dropped. */
  dropped?: boolean;
}

export interface InterruptResponse {
  success: true;
  /** Orator extension: the turn that was cut, or absent when the avatar was idle. */
  interruptedTurn?: {
    turnId: string;
    /** Text of the turn that reached the viewers as audio before the cut. */
    spokenText: string;
    /** Characters of `spokenText`, so a backend can trim its LLM history without recounting. */
    spokenChars: number;
    /** Characters received for the turn in all. */
    totalChars: number;
  };
  /** Orator extension: ids of the queued turns that were dropped. */
  droppedTurnIds: string[];
}

export const SessionState = {
  Created: 'created',
  Active: 'active',
  Ended: 'ended',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

export const EndReason = {
  Client: 'client',
  IdleTimeout: 'idle_timeout',
  MaxDuration: 'max_duration',
  Shutdown: 'shutdown',
} as const;
export type EndReason = (typeof EndReason)[keyof typeof EndReason];

export const TurnState = {
  Queued: 'queued',
  Speaking: 'speaking',
  Done: 'done',
  Interrupted: 'interrupted',
  Lost: 'lost',
} as const;
export type TurnState = (typeof TurnState)[keyof typeof TurnState];

/** Orator extension: `GET /v1/avatar-session/:sessionId`. */
export interface SessionStatusResponse {
  success: true;
  sessionId: string;
  state: SessionState;
  avatarId: string;
  voiceId: string;
  speed: number;
  createdAt: string;
  expiresAt: string;
  lastActivityAt: string;
  endedAt?: string;
  endReason?: EndReason;
  speaking: boolean;
  currentTurnId?: string;
  viewers: number;
  queuedTurns: Array<{ turnId: string; state: TurnState; chars: number; isFinal: boolean }>;
}
