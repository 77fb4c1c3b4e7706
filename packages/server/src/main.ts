import { loadConfig, ConfigError } from './config.js';
import { buildServer } from './app.js';
import { mintKs } from './ks/index.js';
import { createDevelopmentPartner, loadPartners, PartnerConfigError, StaticPartnerRegistry } from './partners/index.js';
import { demoRoutes } from './routes/demo.js';
import pino from 'pino';
import type { BuildOptions } from './app.js';
import type { OratorConfig } from './config.js';
import { createStoreAndBus } from './store/create-store.js';
import { RedisUrlError } from './store/redis/client.js';

// Lifetime of the development KS printed at start-up, in seconds.
const DEV_KS_EXPIRY_S = 24 * 3600;

// Avatar named in the start-up example: the README's, when the catalog has it.
const EXAMPLE_AVATAR_ID = 'ava';

function exampleAvatarId(avatars: ReadonlyArray<{ id: string }>): string {
  return avatars.some((avatar) => avatar.id === EXAMPLE_AVATAR_ID) ? EXAMPLE_AVATAR_ID : avatars[0]!.id;
}

async function main(): Promise<void> {
  const config = loadConfig();

  let partners = loadPartners(process.env);
  let devKs: string | undefined;
  if (partners.length === 0) {
    const partner = createDevelopmentPartner();
    partners = [partner];
    devKs = mintKs({
      partnerId: partner.id,
      adminSecret: partner.adminSecrets[0]!,
      type: 2,
      userId: 'orator-dev',
      expirySeconds: DEV_KS_EXPIRY_S,
    });
  }

  const server = await buildServer(config, {
    partners: new StaticPartnerRegistry(partners),
    ...(await sharedState(config)),
    plugins: [(app, context) => demoRoutes(app, context, { ks: devKs ?? process.env.ORATOR_DEMO_KS })],
  });
  const log = server.app.log;
  if (config.jwtKeyGenerated) {
    log.warn('ORATOR_JWT_SECRET is not set: session tokens are signed with a random key and stop working when this process restarts');
  }

  const address = await server.listen();
  const url = config.publicUrl ?? address;

  if (devKs) {
    // The development KS goes to the terminal for the developer, never into the log stream.
    process.stdout.write(
      [
        '',
        '  Orator is running with a DEVELOPMENT partner (development only: set ORATOR_PARTNERS for real use).',
        `  Demo page:      ${url}/`,
        `  Partner id:     ${partners[0]!.id}`,
        '  ADMIN KS (valid 24 h, for this process only):',
        `  ${devKs}`,
        '',
        '  Try it:',
        `    KS='${devKs}'`,
        `    curl -s -X POST ${url}/v1/avatar-session -H "Authorization: KS $KS" -H 'Content-Type: application/json' \\`,
        `      -d '{"visualConfig":{"avatarId":"${exampleAvatarId(server.context.catalog.avatars)}"}}'`,
        '',
      ].join('\n'),
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutdown requested');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * Connect the Redis store and bus when REDIS_URL is set. Without it the server builds its own
 * in-memory pair, and only then ends its sessions on shutdown, because no other node could continue them.
 */
async function sharedState(config: OratorConfig): Promise<Pick<BuildOptions, 'store' | 'bus'>> {
  if (!config.redisUrl) return {};

  const { store, bus } = await createStoreAndBus(config, pino({ level: config.logLevel }));
  return { store, bus };
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof PartnerConfigError || error instanceof RedisUrlError) {
    process.stderr.write(`orator: configuration error: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`orator: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
