import type { RequestListener, Server } from 'node:http';

export declare const MAX_TEXT_CHARS: number;
export declare const MAX_SESSIONS: number;

export interface ExampleAppOptions {
  /** ADMIN KS the backend creates sessions with; it never leaves this server. */
  ks: string;
  /** Base URL of the avatar service, for example http://127.0.0.1:8080. */
  oratorUrl: string;
  /** Folder served as the frontend; omitted, only the API routes exist. */
  publicDir?: string;
  /** Maximum number of session tokens kept; past it, the oldest is dropped. */
  maxSessions?: number;
  /** Receiver of log lines; defaults to console.log. */
  log?: (message: string) => void;
}

/** The parts of the Express app that callers use: it is a request listener that can listen itself. */
export interface ExampleApp extends RequestListener {
  listen(port: number, host: string, callback?: () => void): Server;
}

export declare function createApp(options: ExampleAppOptions): ExampleApp;
