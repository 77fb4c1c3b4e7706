/**
 * Child process with a bare Fastify server and one trivial POST JSON route: the baseline that
 * Orator's control-plane throughput is compared with. Same Fastify version and the same
 * request logging level (info, to discarded standard output) as the Orator server.
 */
import Fastify from 'fastify';

async function main(): Promise<void> {
  const app = Fastify({ logger: { level: 'info' } });
  app.post('/echo', async (request) => {
    const body = request.body as { text?: unknown };
    return { success: true, length: typeof body.text === 'string' ? body.text.length : 0 };
  });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  process.on('message', () => void app.close().finally(() => process.exit(0)));
  process.on('disconnect', () => void app.close().finally(() => process.exit(0)));
  process.send?.({ type: 'ready', baseUrl });
}

main().catch((error: unknown) => {
  process.stderr.write(`bare Fastify failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
