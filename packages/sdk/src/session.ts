/**
 * KalturaAvatarSession: the public SDK class. It keeps the session state machine and the control
 * calls; the viewer stream, audio, lip-sync and drawing live in their own modules behind it.
 */
import type { CreateSessionResponse, InitClientResponse, InterruptResponse, SayTextResponse } from '@orator/protocol';
import { classifyCredential } from './credentials.js';
import { TypedEmitter, type Handler } from './emitter.js';
import { AvatarApiError, AvatarSdkError, AvatarStateError } from './errors.js';
import { ApiClient, normalizeBaseUrl, toWebSocketUrl, type Authorization } from './http.js';
import { createLogger, isLogLevel, type LogLevel, type Logger } from './logger.js';
import { resolveRetryConfig, type RetryConfig } from './retry.js';
import { StreamConnection } from './stream.js';
import { ConnectionState, SessionState, canTransitionConnection, canTransitionSession } from './states.js';
import { AvatarView, type AvatarSessionDebug } from './view.js';
import type { AvatarSessionEvents } from './events.js';

/** Interval of automatic keep-alive calls while the session is READY, in ms. */
export const KEEP_ALIVE_INTERVAL_MS = 10_000;
/** Sanity cap on one say-text chunk, in characters; the server applies its own limit. */
const MAX_TEXT_CHARS = 100_000;
/** Cap on one say-audio upload, in bytes: Orator's default server limit, so oversize audio fails before upload. */
const MAX_AUDIO_BYTES = 10 * 1024 * 1024;
const MAX_ID_CHARS = 256;

export interface KalturaAvatarSessionOptions {
  /** Base URL of the Avatar API, for example `https://avatar.example.com`; relative URLs resolve against the page. */
  baseUrl: string;
  retryConfig?: Partial<RetryConfig>;
  logLevel?: LogLevel;
}

export interface CreateSessionOptions {
  avatarId: string;
  voiceId?: string;
  videoContainerId?: string;
}

export interface InitSessionParams {
  sessionId: string;
  token: string;
}

export interface SayTextOptions {
  /** Chunks with the same turnId are spoken as one turn, in order. */
  turnId?: string;
  /** Marks the last chunk of the turn; the server treats a missing value as true. */
  isFinal?: boolean;
}

export interface AttachAvatarOptions {
  /** Set to false to skip the built-in canvas and drive a custom renderer from `viseme` events. */
  render?: boolean;
}

function requireString(value: unknown, name: string, max = MAX_ID_CHARS): string {
  if (typeof value !== 'string' || value.trim() === '') throw new AvatarSdkError(`${name} is required`, 'INVALID_ARGUMENT');
  if (value.length > max) throw new AvatarSdkError(`${name} must be at most ${max} characters`, 'INVALID_ARGUMENT');
  return value;
}

function randomId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `turn-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export class KalturaAvatarSession {
  private readonly logger: Logger;
  private readonly api: ApiClient;
  private readonly retry: RetryConfig;
  private readonly emitter: TypedEmitter<AvatarSessionEvents>;
  private readonly ks: string | undefined;
  private sessionId: string | undefined;
  private token: string | undefined;
  private avatarId: string | undefined;
  private state: SessionState = SessionState.IDLE;
  private connection: ConnectionState = ConnectionState.DISCONNECTED;
  private keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  private stream: StreamConnection | undefined;
  private view: AvatarView | undefined;
  /** Next `seq` per open turn, so a retried chunk is recognized by the server as a duplicate. */
  private readonly chunkSeq = new Map<string, number>();

  /**
   * `apiKeyOrToken` is a KS (frontend-only flow, for createSession) or the session JWT from the
   * backend. With a JWT the session id comes from its `sub` claim, so attachAvatar alone connects.
   * It may be omitted: `new KalturaAvatarSession({ baseUrl })` or `(undefined, { baseUrl })`.
   */
  constructor(apiKeyOrToken?: string | KalturaAvatarSessionOptions, options?: KalturaAvatarSessionOptions) {
    const resolvedOptions = typeof apiKeyOrToken === 'object' && apiKeyOrToken !== null ? apiKeyOrToken : options;
    const credential = typeof apiKeyOrToken === 'string' ? apiKeyOrToken : undefined;
    if (!resolvedOptions || typeof resolvedOptions !== 'object')
      throw new TypeError('options with baseUrl are required: new KalturaAvatarSession(token, { baseUrl })');

    const level = resolvedOptions.logLevel ?? 'info';
    if (!isLogLevel(level))
      throw new TypeError(`options.logLevel must be 'debug', 'info', 'warn' or 'error', got ${JSON.stringify(level)}`);
    this.logger = createLogger(level);
    this.retry = resolveRetryConfig(resolvedOptions.retryConfig);
    this.api = new ApiClient({ baseUrl: normalizeBaseUrl(resolvedOptions.baseUrl), retry: this.retry, logger: this.logger });
    this.emitter = new TypedEmitter((event, error) => this.logger.error(`a '${event}' event handler threw`, error));

    if (credential !== undefined) {
      const parsed = classifyCredential(credential);
      if (parsed.kind === 'ks') {
        this.ks = parsed.ks;
      } else {
        this.token = parsed.token;
        this.sessionId = parsed.sessionId;
        if (!parsed.sessionId)
          this.logger.warn('the session token has no sub claim; call initSession({ sessionId, token }) before attachAvatar');
      }
    }
  }

  // Events

  on<K extends keyof AvatarSessionEvents>(event: K, handler: Handler<AvatarSessionEvents[K]>): this {
    this.emitter.on(event, handler);
    return this;
  }

  off<K extends keyof AvatarSessionEvents>(event: K, handler?: Handler<AvatarSessionEvents[K]>): this {
    this.emitter.off(event, handler);
    return this;
  }

  getSessionState(): SessionState {
    return this.state;
  }

  getConnectionState(): ConnectionState {
    return this.connection;
  }

  /** Id of the current session, once known. */
  getSessionId(): string | undefined {
    return this.sessionId;
  }

  // Session setup

  /** Frontend-only flow: create a session with the KS given to the constructor. Starts keep-alive. */
  async createSession(options: CreateSessionOptions): Promise<{ sessionId: string; token: string }> {
    const avatarId = requireString(options?.avatarId, 'avatarId');
    if (options.voiceId !== undefined) requireString(options.voiceId, 'voiceId');
    if (!this.ks)
      throw new AvatarStateError(
        'createSession needs a KS: pass it as the first constructor argument, or create the session on your backend and call initSession',
        'NO_KS',
      );
    if (this.state !== SessionState.IDLE && this.state !== SessionState.ERROR)
      throw new AvatarStateError(`createSession cannot run in state ${this.state}`);

    this.setState(SessionState.CREATING);
    const body = { visualConfig: { avatarId }, ...(options.voiceId ? { voiceConfig: { id: options.voiceId } } : {}) };
    let response: CreateSessionResponse;
    try {
      response = await this.api.postJson<CreateSessionResponse>(
        '/v1/avatar-session',
        body,
        { scheme: 'KS', credential: this.ks },
        'create session',
      );
      if (typeof response.sessionId !== 'string' || typeof response.token !== 'string')
        throw new AvatarApiError('create session returned no sessionId or token', 500, 'INVALID_RESPONSE');
    } catch (error) {
      this.reportError(error);
      this.setState(SessionState.ERROR);
      throw error;
    }

    this.sessionId = response.sessionId;
    this.token = response.token;
    this.avatarId = avatarId;
    this.logger.info(`session ${response.sessionId} created`);
    this.becomeReady();

    if (options.videoContainerId) await this.attachAvatar(options.videoContainerId);
    return { sessionId: response.sessionId, token: response.token };
  }

  /** Use a session created by your backend. Starts keep-alive; attaches at once when videoContainerId is given. */
  async initSession(params: InitSessionParams, options: { videoContainerId?: string } = {}): Promise<void> {
    const sessionId = requireString(params?.sessionId, 'sessionId');
    const token = requireString(params?.token, 'token', 16 * 1024);
    if (this.state === SessionState.ENDED)
      throw new AvatarStateError('the session has ended; create a new KalturaAvatarSession', 'SESSION_ENDED');

    this.sessionId = sessionId;
    this.token = token;
    this.becomeReady();
    if (options.videoContainerId) await this.attachAvatar(options.videoContainerId);
  }

  /**
   * Render the avatar into the element with id `container` (or the element itself), start audio
   * and open the viewer stream. Resolves once the stream is connected.
   */
  async attachAvatar(container: string | HTMLElement, options: AttachAvatarOptions = {}): Promise<void> {
    const { sessionId, token } = this.requireSession();
    const element = typeof container === 'string' ? document.getElementById(container) : container;
    if (!element)
      throw new AvatarStateError(`no element with id ${JSON.stringify(container)} to attach the avatar to`, 'CONTAINER_NOT_FOUND');

    this.becomeReady();
    this.detachAvatar();

    const view = new AvatarView({
      container: element,
      render: options.render !== false,
      baseUrl: this.api.baseUrl,
      api: this.api,
      logger: this.logger,
      emit: (event, ...args) => this.emitter.emit(event, ...args),
    });
    this.view = view;
    if (this.avatarId) view.loadAvatar(this.avatarId);

    let init: InitClientResponse;
    try {
      init = await this.api.postJson<InitClientResponse>(
        `/v1/avatar-session/${encodeURIComponent(sessionId)}/init-client`,
        {},
        this.bearer(),
        'init client',
      );
      if (typeof init.streamUrl !== 'string' || init.streamUrl === '')
        throw new AvatarApiError('init-client returned no streamUrl; this server has no viewer stream', 500, 'NO_STREAM_URL');
    } catch (error) {
      this.handleCallError(error);
      throw error;
    }
    if (this.view !== view) return;

    const stream = new StreamConnection({
      url: toWebSocketUrl(init.streamUrl, this.api.baseUrl),
      token,
      retry: this.retry,
      logger: this.logger,
      handlers: {
        message: (message) => {
          if (message.type === 'ready' && message.avatarId && message.avatarId !== this.avatarId) this.avatarId = message.avatarId;
          if (message.type === 'session-ended') this.logger.info(`session ended (reason: ${message.reason})`);
          view.handleMessage(message);
        },
        audio: (turnNumber, sampleOffset, pcm) => view.handleAudio(turnNumber, sampleOffset, pcm),
        state: (state) => this.setConnection(state),
        stopped: (error, code) => {
          if (this.stream !== stream) return;
          if (error) {
            this.setConnection(ConnectionState.FAILED);
            this.emitter.emit('error', { message: error.message, code: error.code });
            // Auth, permission and unknown-session closes mean this session is unusable.
            if (code === 4001 || code === 4003 || code === 4004) this.setState(SessionState.ERROR);
            return;
          }
          this.finish();
        },
      },
    });
    this.stream = stream;
    await stream.connect();
  }

  /** Stop drawing and close the stream and audio; the session stays alive for control calls. */
  detachAvatar(): void {
    const stream = this.stream;
    this.stream = undefined;
    stream?.close();
    this.view?.destroy();
    this.view = undefined;
    if (this.connection === ConnectionState.CONNECTED || this.connection === ConnectionState.CONNECTING)
      this.setConnection(ConnectionState.DISCONNECTED);
  }

  // Control calls

  /** Speak `text`. Chunks with the same `turnId` form one turn; `isFinal: true` closes it. Resolves with the turn id. */
  async sayText(text: string, options: SayTextOptions = {}): Promise<{ turnId: string }> {
    if (typeof text !== 'string' || text.trim() === '') throw new AvatarSdkError('text is required', 'INVALID_ARGUMENT');
    if (text.length > MAX_TEXT_CHARS) throw new AvatarSdkError(`text must be at most ${MAX_TEXT_CHARS} characters`, 'INVALID_ARGUMENT');
    if (options.turnId !== undefined) requireString(options.turnId, 'turnId');
    if (options.isFinal !== undefined && typeof options.isFinal !== 'boolean')
      throw new AvatarSdkError('isFinal must be a boolean', 'INVALID_ARGUMENT');
    const { sessionId } = this.requireSession();

    // A generated turnId plus seq makes a retried request idempotent on the server.
    const turnId = options.turnId ?? randomId();
    const seq = this.chunkSeq.get(turnId) ?? 0;
    const closesTurn = options.isFinal !== false;
    if (closesTurn) this.chunkSeq.delete(turnId);
    else this.chunkSeq.set(turnId, seq + 1);

    const body = { text, turnId, seq, ...(options.isFinal !== undefined ? { isFinal: options.isFinal } : {}) };
    const response = await this.control<SayTextResponse>(sessionId, 'say-text', body);
    return { turnId: typeof response.turnId === 'string' ? response.turnId : turnId };
  }

  /** Speak recorded audio (mp3, or wav as an Orator extension). `duration` is in seconds. */
  async sayAudio(audio: Blob | ArrayBuffer, turnId: string, duration: number): Promise<void> {
    requireString(turnId, 'turnId');
    if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0 || duration > 3600) {
      throw new AvatarSdkError('duration must be a number of seconds greater than 0 and at most 3600', 'INVALID_ARGUMENT');
    }
    let blob: Blob;
    if (audio instanceof Blob) blob = audio;
    else if (audio instanceof ArrayBuffer) blob = new Blob([audio], { type: sniffAudioType(audio) });
    else throw new AvatarSdkError('audio must be a Blob or an ArrayBuffer', 'INVALID_ARGUMENT');
    if (blob.size === 0 || blob.size > MAX_AUDIO_BYTES)
      throw new AvatarSdkError(`audio must be 1 byte to ${MAX_AUDIO_BYTES} bytes, got ${blob.size}`, 'INVALID_ARGUMENT');
    const { sessionId } = this.requireSession();

    const form = new FormData();
    form.append('turnId', turnId);
    form.append('duration', String(duration));
    form.append('audio', blob, /wav/.test(blob.type) ? 'audio.wav' : 'audio.mp3');
    await this.call(() =>
      this.api.postForm(`/v1/avatar-session/${encodeURIComponent(sessionId)}/say-audio`, form, this.bearer(), 'say audio'),
    );
  }

  /** Stop the current speech at once and clear the queue. Local playback stops before the server responds. */
  async interrupt(): Promise<Omit<InterruptResponse, 'success'>> {
    const { sessionId } = this.requireSession();
    this.view?.stopSpeech();
    this.chunkSeq.clear();
    const response = await this.control<InterruptResponse>(sessionId, 'interrupt', {});
    return {
      interruptedTurn: response.interruptedTurn,
      droppedTurnIds: Array.isArray(response.droppedTurnIds) ? response.droppedTurnIds : [],
    };
  }

  /** End the session on the server and release the stream, audio and canvas. Safe to call twice. */
  async endSession(): Promise<void> {
    if (this.state === SessionState.ENDED) return;

    const sessionId = this.sessionId;
    if (sessionId && this.token) {
      try {
        await this.api.postJson(`/v1/avatar-session/${encodeURIComponent(sessionId)}/end`, {}, this.bearer(), 'end session');
      } catch (error) {
        // A session that is already gone on the server is ended as far as the caller is concerned.
        const alreadyGone = error instanceof AvatarApiError && (error.status === 404 || error.status === 410);
        if (!alreadyGone) this.reportError(error);
      }
    }
    this.finish();
  }

  /** Start audio from a user gesture (for example a "Tap to listen" button after `audioBlocked`). */
  async unlockAudio(): Promise<boolean> {
    return this.view ? this.view.unlockAudio() : false;
  }

  /** Debug and test hooks: playback analyser, current viseme and per-frame mouth data. Not a stable API. */
  get debug(): AvatarSessionDebug {
    return AvatarView.debugOf(this.view);
  }

  // Internals

  private requireSession(): { sessionId: string; token: string } {
    if (this.state === SessionState.ENDED)
      throw new AvatarStateError('the session has ended; create a new KalturaAvatarSession', 'SESSION_ENDED');
    if (!this.sessionId || !this.token) {
      throw new AvatarStateError(
        'no session: pass the session token to the constructor, or call initSession or createSession first',
        'NO_SESSION',
      );
    }
    return { sessionId: this.sessionId, token: this.token };
  }

  private bearer(): Authorization {
    return this.token ? { scheme: 'Bearer', credential: this.token } : undefined;
  }

  private control<T>(sessionId: string, action: string, body: unknown): Promise<T> {
    return this.call(() =>
      this.api.postJson<T>(`/v1/avatar-session/${encodeURIComponent(sessionId)}/${action}`, body, this.bearer(), action),
    );
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      this.handleCallError(error);
      throw error;
    }
  }

  private handleCallError(error: unknown): void {
    this.reportError(error);
    if (error instanceof AvatarApiError && error.status === 410) this.finish();
  }

  private reportError(error: unknown): void {
    if (error instanceof AvatarSdkError) this.emitter.emit('error', { message: error.message, code: error.code });
    else this.emitter.emit('error', { message: error instanceof Error ? error.message : String(error) });
  }

  private becomeReady(): void {
    if (this.state === SessionState.READY) return;
    this.setState(SessionState.READY);
  }

  private setState(next: SessionState): void {
    const previous = this.state;
    if (previous === next) return;
    if (!canTransitionSession(previous, next)) {
      this.logger.warn(`ignored session state change ${previous} -> ${next}`);
      return;
    }
    this.state = next;
    this.logger.debug(`session state ${previous} -> ${next}`);

    if (next === SessionState.READY) this.startKeepAlive();
    else this.stopKeepAlive();
    this.emitter.emit('stateChange', next, previous);
  }

  private setConnection(next: ConnectionState): void {
    const previous = this.connection;
    if (previous === next || !canTransitionConnection(previous, next)) return;
    this.connection = next;
    this.logger.debug(`connection state ${previous} -> ${next}`);
    this.emitter.emit('connectionChange', next, previous);
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    this.keepAliveTimer = setInterval(() => void this.keepAlive(), KEEP_ALIVE_INTERVAL_MS);
  }

  private stopKeepAlive(): void {
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  private async keepAlive(): Promise<void> {
    if (this.state !== SessionState.READY || !this.sessionId || !this.token) return;
    try {
      await this.api.postJson(`/v1/avatar-session/${encodeURIComponent(this.sessionId)}/keep-alive`, {}, this.bearer(), 'keep-alive');
    } catch (error) {
      this.handleCallError(error);
      if (error instanceof AvatarApiError && (error.status === 401 || error.status === 403 || error.status === 404))
        this.setState(SessionState.ERROR);
    }
  }

  /** Local end of the session: no more keep-alive, stream closed, audio and loop stopped. */
  private finish(): void {
    this.stopKeepAlive();
    const stream = this.stream;
    this.stream = undefined;
    stream?.close();
    this.view?.end();
    this.setConnection(ConnectionState.CLOSED);
    this.setState(SessionState.ENDED);
    this.chunkSeq.clear();
  }
}

/** Content type of an ArrayBuffer from its magic bytes: RIFF means WAV, anything else is sent as MP3. */
function sniffAudioType(buffer: ArrayBuffer): string {
  const head = new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength));
  return String.fromCharCode(...head) === 'RIFF' ? 'audio/wav' : 'audio/mpeg';
}
