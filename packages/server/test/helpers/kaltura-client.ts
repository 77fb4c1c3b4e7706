import { createRequire } from 'node:module';

// Typing of the parts of npm kaltura-client that the tests call; the package ships no types.
interface KalturaRequest<T> {
  execute(client: unknown): Promise<T>;
}

interface KalturaClient {
  setKs(ks: string): void;
}

interface KalturaSessionService {
  start(
    secret: string,
    userId?: string,
    type?: number,
    partnerId?: number | null,
    expiry?: number,
    privileges?: string | null,
  ): KalturaRequest<string>;
  get(session?: string | null): KalturaRequest<Record<string, unknown>>;
  end(): KalturaRequest<unknown>;
}

interface KalturaModule {
  Configuration: new () => { serviceUrl: string; timeout: number; setLogger(logger: object): void };
  Client: new (config: unknown) => KalturaClient;
  services: { session: KalturaSessionService };
}

/** Create an official Kaltura client pointed at `serviceUrl`, with its request logging off. */
export function createKalturaClient(serviceUrl: string): { client: KalturaClient; session: KalturaSessionService } {
  const kaltura = createRequire(import.meta.url)('kaltura-client') as KalturaModule;
  const config = new kaltura.Configuration();
  config.serviceUrl = serviceUrl;
  config.timeout = 10_000;
  // The default logger prints every request body, secret and KS included, to the console. Any
  // logger that is not the library's own ILogger turns logging off.
  config.setLogger({ log() {}, error() {}, debug() {} });
  return { client: new kaltura.Client(config), session: kaltura.services.session };
}
