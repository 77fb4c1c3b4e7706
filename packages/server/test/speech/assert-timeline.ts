import assert from 'node:assert/strict';
import { isViseme, type VisemeCue } from '@orator/protocol';

/** Assert the invariants every viseme timeline promises. */
export function assertTimelineShape(visemes: readonly VisemeCue[], durationMs: number, label = 'timeline'): void {
  assert.ok(visemes.length > 0, `${label}: no cues`);
  assert.equal(visemes[0]?.startMs, 0, `${label}: first cue not at 0`);

  for (let index = 0; index < visemes.length; index++) {
    const cue = visemes[index] as VisemeCue;
    assert.ok(isViseme(cue.viseme), `${label}: unknown viseme ${cue.viseme}`);
    assert.ok(Number.isInteger(cue.startMs), `${label}: cue ${index} start ${cue.startMs} is not whole ms`);
    assert.ok(
      index === 0 || cue.startMs < durationMs,
      `${label}: cue ${index} at ${cue.startMs} ms is past the audio end ${durationMs} ms`,
    );

    const previous = visemes[index - 1];
    if (previous) {
      assert.ok(cue.startMs > previous.startMs, `${label}: cue ${index} at ${cue.startMs} ms is not after ${previous.startMs} ms`);
      assert.notEqual(cue.viseme, previous.viseme, `${label}: cues ${index - 1} and ${index} repeat ${cue.viseme}`);
    }
  }
}
