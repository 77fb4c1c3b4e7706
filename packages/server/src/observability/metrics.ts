import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server instance; each instance has its own registry. */
export class Metrics {
  readonly registry = new Registry();

  readonly sessionsActive = new Gauge({ name: 'orator_sessions_active', help: 'Open sessions in the store', registers: [this.registry] });
  readonly sessionsCreated = new Counter({
    name: 'orator_sessions_created_total',
    help: 'Sessions created by this node',
    registers: [this.registry],
  });
  readonly sessionsEnded = new Counter({
    name: 'orator_sessions_ended_total',
    help: 'Sessions ended by this node, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'orator_http_requests_total',
    help: 'HTTP requests by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'orator_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'orator_auth_failures_total',
    help: 'Rejected authentications by scheme and reason',
    labelNames: ['scheme', 'reason'] as const,
    registers: [this.registry],
  });
  readonly viewers = new Gauge({
    name: 'orator_viewers_connected',
    help: 'Viewer streams connected to this node',
    registers: [this.registry],
  });
  readonly turnsSpoken = new Counter({
    name: 'orator_turns_total',
    help: 'Turns finished by this node, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly synthesisSeconds = new Histogram({
    name: 'orator_synthesis_duration_seconds',
    help: 'Time to synthesize one sentence',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'orator_' });
  }
}
