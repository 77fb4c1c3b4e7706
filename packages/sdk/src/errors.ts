/** Errors the SDK rejects promises with. Every class has a stable `code`. */
export class AvatarSdkError extends Error {
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AvatarSdkError';
    this.code = code;
  }
}

/** The server returned an error envelope or a non-2xx status. `message` is the server's `error` string. */
export class AvatarApiError extends AvatarSdkError {
  readonly status: number;

  constructor(message: string, status: number, code?: string) {
    super(message, code ?? `HTTP_${status}`);
    this.name = 'AvatarApiError';
    this.status = status;
  }
}

/** The request never got an HTTP answer (offline, DNS, CORS, connection reset) after all retries. */
export class AvatarNetworkError extends AvatarSdkError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'NETWORK_ERROR', options);
    this.name = 'AvatarNetworkError';
  }
}

/** The call does not fit the session's state, for example sayText before any session exists. */
export class AvatarStateError extends AvatarSdkError {
  constructor(message: string, code = 'INVALID_STATE') {
    super(message, code);
    this.name = 'AvatarStateError';
  }
}

/** The viewer stream failed for good: rejected auth, unknown session, or reconnects exhausted. */
export class AvatarStreamError extends AvatarSdkError {
  readonly closeCode: number | undefined;

  constructor(message: string, code: string, closeCode?: number) {
    super(message, code);
    this.name = 'AvatarStreamError';
    this.closeCode = closeCode;
  }
}
