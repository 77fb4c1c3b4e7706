import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';

/** Options of the demo backend; without a KS the demo endpoints are not registered. */
export interface DemoOptions {
  ks: string | undefined;
}

/** Backend part of the demo page; replaced by the full reference-integration flow. */
export async function demoRoutes(_app: FastifyInstance, _context: AppContext, _options: DemoOptions): Promise<void> {}
