import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TypedEmitter } from '../src/emitter.js';
import { canTransitionConnection, canTransitionSession, ConnectionState, SessionState } from '../src/states.js';

type Events = { change: [to: string, from: string]; ping: [] };

test('emitter delivers arguments in order', () => {
  const emitter = new TypedEmitter<Events>();
  const seen: string[] = [];
  emitter.on('change', (to, from) => seen.push(`a:${from}->${to}`));
  emitter.on('change', (to) => seen.push(`b:${to}`));
  emitter.emit('change', 'READY', 'IDLE');
  assert.deepEqual(seen, ['a:IDLE->READY', 'b:READY']);
});

test('emitter off removes one or all handlers', () => {
  const emitter = new TypedEmitter<Events>();
  let a = 0;
  let b = 0;
  const handlerA = (): void => void a++;
  const handlerB = (): void => void b++;
  emitter.on('ping', handlerA);
  emitter.on('ping', handlerB);
  emitter.off('ping', handlerA);
  emitter.emit('ping');
  assert.equal(a, 0);
  assert.equal(b, 1);
  emitter.off('ping');
  emitter.emit('ping');
  assert.equal(b, 1);
  assert.equal(emitter.listenerCount('ping'), 0);
});

test('emitter isolates a throwing handler', () => {
  const failures: string[] = [];
  const emitter = new TypedEmitter<Events>((event, error) => failures.push(`${event}:${(error as Error).message}`));
  let after = 0;
  emitter.on('ping', () => {
    throw new Error('boom');
  });
  emitter.on('ping', () => void after++);
  emitter.emit('ping');
  assert.equal(after, 1);
  assert.deepEqual(failures, ['ping:boom']);
});

test('emitter tolerates off during emit', () => {
  const emitter = new TypedEmitter<Events>();
  let second = 0;
  const first = (): void => emitter.off('ping', secondHandler);
  const secondHandler = (): void => void second++;
  emitter.on('ping', first);
  emitter.on('ping', secondHandler);
  emitter.emit('ping');
  // The snapshot taken at emit time still includes the removed handler.
  assert.equal(second, 1);
  emitter.emit('ping');
  assert.equal(second, 1);
});

test('session state transitions', () => {
  assert.equal(canTransitionSession(SessionState.IDLE, SessionState.CREATING), true);
  assert.equal(canTransitionSession(SessionState.CREATING, SessionState.READY), true);
  assert.equal(canTransitionSession(SessionState.READY, SessionState.ENDED), true);
  assert.equal(canTransitionSession(SessionState.ENDED, SessionState.READY), false);
  assert.equal(canTransitionSession(SessionState.READY, SessionState.CREATING), false);
});

test('connection state transitions', () => {
  assert.equal(canTransitionConnection(ConnectionState.DISCONNECTED, ConnectionState.CONNECTING), true);
  assert.equal(canTransitionConnection(ConnectionState.CONNECTED, ConnectionState.CONNECTING), true);
  assert.equal(canTransitionConnection(ConnectionState.FAILED, ConnectionState.CONNECTING), true);
  assert.equal(canTransitionConnection(ConnectionState.CLOSED, ConnectionState.CONNECTING), false);
  assert.equal(canTransitionConnection(ConnectionState.DISCONNECTED, ConnectionState.CONNECTED), false);
});
