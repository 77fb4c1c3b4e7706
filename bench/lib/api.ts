import type http from 'node:http';
import { keepAliveAgent, request } from './http.js';
import type { ServerChild } from './child.js';

export interface Session {
  sessionId: string;
  token: string;
}

export class ApiError extends Error {
  readonly code = 'BENCH_API_FAILED';
}

/** The control calls the benchmarks make, over one keep-alive agent. */
export class Api {
  readonly agent: http.Agent;

  constructor(
    readonly server: Pick<ServerChild, 'baseUrl' | 'adminKs' | 'avatarId' | 'voiceId'>,
    maxSockets = 64,
  ) {
    this.agent = keepAliveAgent(maxSockets);
  }

  async createSession(): Promise<Session> {
    const body = JSON.stringify({ visualConfig: { avatarId: this.server.avatarId } });
    const response = await request(this.agent, this.url('/v1/avatar-session'), { auth: `KS ${this.server.adminKs}`, body });
    if (response.status !== 200) throw new ApiError(`create session failed: ${response.status} ${response.body}`);
    const parsed = JSON.parse(response.body) as Session;
    return { sessionId: parsed.sessionId, token: parsed.token };
  }

  async sayText(session: Session, text: string): Promise<void> {
    await this.call(session, 'say-text', JSON.stringify({ text }));
  }

  async interrupt(session: Session): Promise<void> {
    await this.call(session, 'interrupt', '{}');
  }

  async end(session: Session): Promise<void> {
    await this.call(session, 'end', '{}');
  }

  async streamUrl(session: Session): Promise<string> {
    const body = await this.call(session, 'init-client', '{}');
    return (JSON.parse(body) as { streamUrl: string }).streamUrl;
  }

  /** Create `count` sessions with `concurrency` requests in flight. */
  async createSessions(count: number, concurrency: number): Promise<Session[]> {
    const sessions: Session[] = [];
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next += 1;
        sessions.push(await this.createSession());
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    return sessions;
  }

  close(): void {
    this.agent.destroy();
  }

  url(path: string): URL {
    return new URL(path, this.server.baseUrl);
  }

  private async call(session: Session, action: string, body: string): Promise<string> {
    const response = await request(this.agent, this.url(`/v1/avatar-session/${session.sessionId}/${action}`), {
      auth: `Bearer ${session.token}`,
      body,
    });
    if (response.status !== 200) throw new ApiError(`${action} failed: ${response.status} ${response.body}`);
    return response.body;
  }
}
