import http from 'node:http';

// A request that takes longer than this is counted as failed, so no loop waits forever.
const REQUEST_TIMEOUT_MS = 15_000;

export interface HttpResult {
  status: number;
  body: string;
}

/**
 * Send one JSON request over a keep-alive agent. node:http is used rather than fetch because fetch
 * costs several times more client CPU per request, and the load generator shares a 2-core machine
 * with the server.
 */
export function request(agent: http.Agent, url: URL, options: { method?: string; auth?: string; body?: string }): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.auth) headers.authorization = options.auth;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }

    const req = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: options.method ?? 'POST',
        headers,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url.pathname} timed out after ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}
