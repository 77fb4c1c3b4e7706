/** JSON schemas shared by the routes: they validate requests and serialize responses. */

export const successOnly = {
  type: 'object',
  properties: { success: { type: 'boolean' } },
  required: ['success'],
} as const;

export const sessionIdParams = {
  type: 'object',
  properties: { sessionId: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['sessionId'],
} as const;

/** An empty body and `{}` are both accepted where a call needs no body. */
export const emptyBody = { type: 'object' } as const;

export const createSessionBody = {
  type: 'object',
  properties: {
    visualConfig: {
      type: 'object',
      properties: { avatarId: { type: 'string', maxLength: 64 }, id: { type: 'string', maxLength: 64 } },
    },
    voiceConfig: {
      type: 'object',
      properties: { id: { type: 'string', maxLength: 64 }, speed: { type: 'number' } },
    },
  },
} as const;

export const createSessionResponse = {
  type: 'object',
  properties: { success: { type: 'boolean' }, sessionId: { type: 'string' }, token: { type: 'string' } },
  required: ['success', 'sessionId', 'token'],
} as const;

export const initClientResponse = {
  type: 'object',
  properties: { success: { type: 'boolean' }, streamUrl: { type: 'string' }, protocolVersion: { type: 'integer' } },
  required: ['success', 'streamUrl', 'protocolVersion'],
} as const;

export const sayTextBody = {
  type: 'object',
  properties: {
    text: {},
    turnId: { type: 'string', minLength: 1 },
    isFinal: { type: 'boolean' },
    seq: { type: 'integer', minimum: 0, maximum: 1_000_000 },
  },
} as const;

export const sayTextResponse = {
  type: 'object',
  properties: {
    success: { type: 'boolean' },
    turnId: { type: 'string' },
    duplicate: { type: 'boolean' },
    dropped: { type: 'boolean' },
  },
  required: ['success', 'turnId'],
} as const;

export const interruptResponse = {
  type: 'object',
  properties: {
    success: { type: 'boolean' },
    interruptedTurn: {
      type: 'object',
      properties: {
        turnId: { type: 'string' },
        spokenText: { type: 'string' },
        spokenChars: { type: 'integer' },
        totalChars: { type: 'integer' },
      },
    },
    droppedTurnIds: { type: 'array', items: { type: 'string' } },
  },
  required: ['success', 'droppedTurnIds'],
} as const;

export const sessionStatusResponse = {
  type: 'object',
  properties: {
    success: { type: 'boolean' },
    sessionId: { type: 'string' },
    state: { type: 'string' },
    avatarId: { type: 'string' },
    voiceId: { type: 'string' },
    speed: { type: 'number' },
    createdAt: { type: 'string' },
    expiresAt: { type: 'string' },
    lastActivityAt: { type: 'string' },
    idleExpiresAt: { type: 'string' },
    speaking: { type: 'boolean' },
    currentTurnId: { type: 'string' },
    viewers: { type: 'integer' },
    queuedTurns: {
      type: 'array',
      items: {
        type: 'object',
        properties: { turnId: { type: 'string' }, state: { type: 'string' }, chars: { type: 'integer' }, isFinal: { type: 'boolean' } },
      },
    },
  },
  required: ['success', 'sessionId', 'state'],
} as const;
