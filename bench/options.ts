/** Counts and time limits of one benchmark run; quick mode is the CI smoke run. */
export interface BenchOptions {
  mode: 'quick' | 'full';
  concurrencyLevels: number[];
  controlRequests: number;
  controlRuns: number;
  loadTimeLimitMs: number;
  ttfaSamples: number;
  capacitySteps: number[];
  capacityWindowMs: number;
  capacityRuns: number;
  memorySessionCounts: number[];
  memorySpeakingSessions: number;
  memoryRuns: number;
  interruptSamples: number;
  browser: boolean;
  browserWindowMs: number;
  browserRuns: number;
}

export function benchOptions(mode: 'quick' | 'full'): BenchOptions {
  if (mode === 'quick') {
    return {
      mode,
      concurrencyLevels: [1, 8, 32],
      controlRequests: 200,
      controlRuns: 2,
      loadTimeLimitMs: 10_000,
      ttfaSamples: 5,
      capacitySteps: [1, 2, 4],
      capacityWindowMs: 3_000,
      capacityRuns: 1,
      memorySessionCounts: [100],
      memorySpeakingSessions: 10,
      memoryRuns: 1,
      interruptSamples: 5,
      browser: false,
      browserWindowMs: 0,
      browserRuns: 0,
    };
  }
  return {
    mode,
    concurrencyLevels: [1, 8, 32],
    controlRequests: 3_000,
    controlRuns: 3,
    loadTimeLimitMs: 30_000,
    ttfaSamples: 30,
    capacitySteps: [1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128],
    capacityWindowMs: 8_000,
    capacityRuns: 3,
    memorySessionCounts: [1_000, 10_000],
    memorySpeakingSessions: 50,
    memoryRuns: 3,
    interruptSamples: 20,
    browser: true,
    browserWindowMs: 6_000,
    browserRuns: 3,
  };
}
