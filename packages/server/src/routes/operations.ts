import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';

/** Liveness, readiness and Prometheus metrics. */
export async function operationsRoutes(app: FastifyInstance, context: AppContext & { isReady: () => boolean }): Promise<void> {
  const { metrics, store } = context;

  app.get('/healthz', async () => ({ success: true, status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (!context.isReady())
      return reply.code(503).send({ success: false, error: 'Server is starting or shutting down', code: 'NOT_READY' });
    return { success: true, status: 'ready' };
  });

  app.get('/metrics', async (request, reply) => {
    try {
      metrics.sessionsActive.set(await store.countOpenSessions());
    } catch (error) {
      request.log.error({ err: error }, 'cannot count open sessions for metrics');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
