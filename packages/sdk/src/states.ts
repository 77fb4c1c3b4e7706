/** Lifecycle of the avatar session on the client. */
export const SessionState = {
  IDLE: 'IDLE',
  CREATING: 'CREATING',
  READY: 'READY',
  ENDED: 'ENDED',
  ERROR: 'ERROR',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** State of the viewer stream that carries audio and lip-sync. */
export const ConnectionState = {
  DISCONNECTED: 'DISCONNECTED',
  CONNECTING: 'CONNECTING',
  CONNECTED: 'CONNECTED',
  FAILED: 'FAILED',
  CLOSED: 'CLOSED',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** Allowed session transitions; anything else is a bug and is ignored with a warning. */
const SESSION_TRANSITIONS: Record<SessionState, readonly SessionState[]> = {
  IDLE: ['CREATING', 'READY', 'ENDED', 'ERROR'],
  CREATING: ['READY', 'ERROR', 'ENDED'],
  READY: ['ENDED', 'ERROR'],
  ERROR: ['READY', 'CREATING', 'ENDED'],
  ENDED: [],
};

export function canTransitionSession(from: SessionState, to: SessionState): boolean {
  return SESSION_TRANSITIONS[from].includes(to);
}

/** Allowed connection transitions. CLOSED is final: the session closed the stream on purpose. */
const CONNECTION_TRANSITIONS: Record<ConnectionState, readonly ConnectionState[]> = {
  DISCONNECTED: ['CONNECTING', 'CLOSED'],
  CONNECTING: ['CONNECTED', 'FAILED', 'CLOSED', 'DISCONNECTED'],
  CONNECTED: ['CONNECTING', 'DISCONNECTED', 'FAILED', 'CLOSED'],
  FAILED: ['CONNECTING', 'CLOSED'],
  CLOSED: [],
};

export function canTransitionConnection(from: ConnectionState, to: ConnectionState): boolean {
  return CONNECTION_TRANSITIONS[from].includes(to);
}
