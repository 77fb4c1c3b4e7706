/** Retry policy for control calls and stream reconnects: exponential backoff with jitter. */
import { AvatarApiError, AvatarNetworkError } from './errors.js';

export interface RetryConfig {
  /** Total attempts including the first one; 1 disables retries. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  backoffMultiplier: number;
}

export const DEFAULT_RETRY_CONFIG: Readonly<RetryConfig> = Object.freeze({
  maxAttempts: 3,
  initialDelayMs: 500,
  maxDelayMs: 5000,
  backoffMultiplier: 2,
});

/** Fraction of each delay that is randomized (plus or minus), so many clients do not retry in step. */
export const RETRY_JITTER = 0.2;

const LIMITS: Record<keyof RetryConfig, [number, number]> = {
  maxAttempts: [1, 20],
  initialDelayMs: [0, 60_000],
  maxDelayMs: [0, 300_000],
  backoffMultiplier: [1, 10],
};

/** Merge a partial config over the defaults and validate it; throws RangeError naming the field. */
export function resolveRetryConfig(partial: Partial<RetryConfig> | undefined): RetryConfig {
  const config = { ...DEFAULT_RETRY_CONFIG, ...(partial ?? {}) };
  for (const key of Object.keys(LIMITS) as Array<keyof RetryConfig>) {
    const [min, max] = LIMITS[key];
    const value = config[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new RangeError(`retryConfig.${key} must be a number from ${min} to ${max}, got ${String(value)}`);
    }
  }
  if (config.maxDelayMs < config.initialDelayMs) throw new RangeError('retryConfig.maxDelayMs must be at least retryConfig.initialDelayMs');
  config.maxAttempts = Math.floor(config.maxAttempts);
  return config;
}

/**
 * Delay before retry number `retry` (1 for the first retry), in ms:
 * initialDelayMs * backoffMultiplier^(retry-1), capped at maxDelayMs, then scaled by a jitter
 * factor in [1 - RETRY_JITTER, 1 + RETRY_JITTER] drawn from `random` (0.5 gives no jitter).
 */
export function backoffDelay(config: RetryConfig, retry: number, random: () => number = Math.random): number {
  const base = Math.min(config.maxDelayMs, config.initialDelayMs * config.backoffMultiplier ** Math.max(0, retry - 1));
  const factor = 1 - RETRY_JITTER + 2 * RETRY_JITTER * random();
  return Math.round(Math.min(config.maxDelayMs, base * factor));
}

/** Returns true for network failures and 5xx responses. A 4xx response is never retried, because repeating it cannot help. */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof AvatarNetworkError) return true;
  return error instanceof AvatarApiError && error.status >= 500;
}

export interface RetryOptions {
  isRetryable?: (error: unknown) => boolean;
  onRetry?: (error: unknown, retry: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Run `operation` up to `config.maxAttempts` times, waiting the backoff delay between attempts. */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  config: RetryConfig,
  options: RetryOptions = {},
): Promise<T> {
  const retryable = options.isRetryable ?? isRetryableError;
  const wait = options.sleep ?? sleep;

  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= config.maxAttempts || !retryable(error)) throw error;

      const delay = backoffDelay(config, attempt, options.random);
      options.onRetry?.(error, attempt, delay);
      await wait(delay);
    }
  }
}
