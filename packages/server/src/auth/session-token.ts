import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { JwtKey } from '../config.js';

export const TOKEN_ISSUER = 'orator';
export const TOKEN_AUDIENCE = 'orator:avatar-session';

/** Claims of a session JWT beyond the registered ones. */
export interface SessionTokenClaims {
  sessionId: string;
  partnerId: number;
  jti: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

export class TokenError extends Error {
  constructor(
    readonly code: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_UNKNOWN_KEY',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

// Upper bound on accepted token length; a session JWT is about 400 bytes.
const MAX_TOKEN_CHARS = 4096;

/**
 * Signs and verifies the HS256 JWT that controls one session. Keys carry a `kid`: the first key
 * signs and any listed key verifies, so keys rotate by adding the new one in front.
 */
export class SessionTokens {
  private readonly keysById: Map<string, Uint8Array>;

  constructor(private readonly keys: JwtKey[]) {
    if (keys.length === 0) throw new Error('SessionTokens needs at least one key');
    this.keysById = new Map(keys.map((key) => [key.kid, key.secret]));
  }

  /** Sign a token for a session; `expiresAtMs` is already capped by the session's lifetime. */
  async sign(sessionId: string, partnerId: number, expiresAtMs: number): Promise<string> {
    const signingKey = this.keys[0]!;
    return new SignJWT({ partnerId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: signingKey.kid })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject(sessionId)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAtMs / 1000))
      .sign(signingKey.secret);
  }

  async verify(token: string): Promise<SessionTokenClaims> {
    if (token.length === 0 || token.length > MAX_TOKEN_CHARS) throw new TokenError('TOKEN_INVALID', 'token is empty or too long');

    let payload: JWTPayload;
    try {
      const result = await jwtVerify(
        token,
        (header) => {
          const key = header.kid === undefined ? undefined : this.keysById.get(header.kid);
          if (!key) throw new TokenError('TOKEN_UNKNOWN_KEY', 'token was signed with an unknown key');
          return key;
        },
        { issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, algorithms: ['HS256'], requiredClaims: ['sub', 'exp', 'jti'] },
      );
      payload = result.payload;
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new TokenError('TOKEN_EXPIRED', 'token has expired');
      throw new TokenError('TOKEN_INVALID', 'token failed verification');
    }

    const partnerId = payload.partnerId;
    if (typeof payload.sub !== 'string' || typeof partnerId !== 'number' || typeof payload.jti !== 'string') {
      throw new TokenError('TOKEN_INVALID', 'token lacks the session claims');
    }
    return { sessionId: payload.sub, partnerId, jti: payload.jti, exp: payload.exp! };
  }
}
