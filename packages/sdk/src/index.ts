/** Orator browser SDK: the KalturaAvatarSession API, drawing a lip-synced avatar and playing its speech. */
export { KalturaAvatarSession, KEEP_ALIVE_INTERVAL_MS } from './session.js';
export type {
  KalturaAvatarSessionOptions,
  CreateSessionOptions,
  InitSessionParams,
  SayTextOptions,
  AttachAvatarOptions,
} from './session.js';
export { SessionState, ConnectionState } from './states.js';
export type { AvatarSessionEvents, AvatarErrorEvent, TurnStartEvent, TurnEndEvent, VisemeEvent } from './events.js';
export type { AvatarSessionDebug, DebugFrame } from './view.js';
export { AvatarSdkError, AvatarApiError, AvatarNetworkError, AvatarStateError, AvatarStreamError } from './errors.js';
export { DEFAULT_RETRY_CONFIG, type RetryConfig } from './retry.js';
export type { LogLevel } from './logger.js';
export { VISEMES, DEFAULT_MOUTH_SHAPES, type Viseme, type MouthShape } from '@orator/protocol';
