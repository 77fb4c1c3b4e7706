/**
 * HTTP client for the Avatar Control API: JSON and multipart POSTs with the KS or Bearer scheme,
 * error envelopes turned into AvatarApiError, and retries per the retry config.
 */
import { AvatarApiError, AvatarNetworkError } from './errors.js';
import type { Logger } from './logger.js';
import { withRetry, type RetryConfig } from './retry.js';

/** Time allowed for one HTTP attempt, in ms; a timeout counts as a network error and is retried. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** Largest response body read, in characters; control responses are a few hundred bytes. */
const MAX_RESPONSE_CHARS = 1_000_000;

export type Authorization = { scheme: 'KS' | 'Bearer'; credential: string } | undefined;

/** Resolve `baseUrl` (absolute, or relative to the page) and drop trailing slashes. */
export function normalizeBaseUrl(baseUrl: string): string {
  if (typeof baseUrl !== 'string') throw new TypeError('options.baseUrl must be a string such as "https://avatar.example.com"');

  const page = typeof location !== 'undefined' ? location.href : undefined;
  let url: URL;
  try {
    url = page ? new URL(baseUrl, page) : new URL(baseUrl);
  } catch {
    throw new TypeError(`options.baseUrl is not a valid URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`options.baseUrl must be http or https, got ${url.protocol}`);
  return url.href.replace(/\/+$/, '');
}

/** Turn a stream URL from init-client into a ws(s) URL, resolving a relative one against the base URL. */
export function toWebSocketUrl(streamUrl: string, baseUrl: string): string {
  const url = new URL(streamUrl, `${baseUrl}/`);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new TypeError(`streamUrl must be a ws, wss, http or https URL, got ${url.protocol}`);
  return url.href;
}

export interface ApiClientOptions {
  baseUrl: string;
  retry: RetryConfig;
  logger: Logger;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** POST a JSON body; resolves with the parsed success envelope. */
  postJson<T>(path: string, body: unknown, auth: Authorization, description: string): Promise<T> {
    return this.request<T>(
      path,
      { method: 'POST', body: JSON.stringify(body ?? {}), headers: { 'Content-Type': 'application/json' } },
      auth,
      description,
    );
  }

  /** POST multipart form data; the browser sets the Content-Type with its boundary. */
  postForm<T>(path: string, form: FormData, auth: Authorization, description: string): Promise<T> {
    return this.request<T>(path, { method: 'POST', body: form }, auth, description);
  }

  /** GET a public JSON document. */
  getJson<T>(path: string, description: string): Promise<T> {
    return this.request<T>(path, { method: 'GET' }, undefined, description);
  }

  private request<T>(path: string, init: RequestInit, auth: Authorization, description: string): Promise<T> {
    const url = `${this.options.baseUrl}${path}`;
    const headers = new Headers(init.headers);
    headers.set('Accept', 'application/json');
    if (auth) headers.set('Authorization', `${auth.scheme} ${auth.credential}`);

    return withRetry((attempt) => this.attempt<T>(url, { ...init, headers }, description, attempt), this.options.retry, {
      onRetry: (error, retry, delayMs) =>
        this.options.logger.info(`${description} failed (${describe(error)}); retry ${retry} in ${delayMs} ms`),
    });
  }

  private async attempt<T>(url: string, init: RequestInit, description: string, attempt: number): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);

    let response: Response;
    let text: string;
    try {
      this.options.logger.debug(`${description}: attempt ${attempt}`);
      response = await fetch(url, { ...init, signal: controller.signal, credentials: 'omit', cache: 'no-store' });
      text = await response.text();
    } catch (error) {
      const timedOut = controller.signal.aborted;
      throw new AvatarNetworkError(
        timedOut ? `${description} timed out after ${REQUEST_TIMEOUT_MS} ms` : `${description} failed: network error`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }

    const body = parseBody(text);
    if (!response.ok || body?.success === false) {
      const message =
        typeof body?.error === 'string' && body.error !== '' ? body.error : `${description} failed with HTTP ${response.status}`;
      const code = typeof body?.code === 'string' ? body.code : undefined;
      throw new AvatarApiError(message, response.status, code);
    }
    if (!body) throw new AvatarApiError(`${description} returned a response that is not JSON`, response.status, 'INVALID_RESPONSE');
    return body as T;
  }
}

function parseBody(text: string): Record<string, unknown> | undefined {
  if (text === '' || text.length > MAX_RESPONSE_CHARS) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof AvatarApiError) return `HTTP ${error.status}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
