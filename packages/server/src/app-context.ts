import type { OratorConfig } from './config.js';
import type { Authenticator } from './auth/authenticator.js';
import type { Catalog } from './catalog/catalog.js';
import type { Metrics } from './observability/metrics.js';
import type { PartnerRegistry } from './partners/partner.js';
import type { SessionService } from './sessions/session-service.js';
import type { SpeechCoordinator } from './speaking/speech-coordinator.js';
import type { SpeechEngine } from './speech/index.js';
import type { EventBus } from './store/bus.js';
import type { SessionStore } from './store/types.js';
import type { ViewerHub } from './stream/viewer-hub.js';

/** The services every route plugin receives; built once per server in app.ts. */
export interface AppContext {
  config: OratorConfig;
  nodeId: string;
  partners: PartnerRegistry;
  store: SessionStore;
  bus: EventBus;
  auth: Authenticator;
  sessions: SessionService;
  speech: SpeechCoordinator;
  engine: SpeechEngine;
  catalog: Catalog;
  metrics: Metrics;
  hub: ViewerHub;
}
