import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { mintKs } from '../../src/ks/index.js';
import type { Partner } from '../../src/partners/partner.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { call } from '../helpers/server.js';
import { TestViewer } from '../helpers/viewer.js';
import { deleteKeys, newClient, redisSkipReason, uniquePrefix } from '../store/redis-harness.js';
import { startCluster, stopCluster, type ClusterOptions, type OratorNode } from './cluster.js';

const skip = await redisSkipReason();

const QUOTA = 5;
const PARTNER: Partner = {
  id: 5151,
  name: 'Multi-node partner',
  adminSecrets: [randomBytes(16).toString('hex')],
  enabled: true,
  maxConcurrentSessions: QUOTA,
  ksVersion: 2,
  ksMaxExpirySeconds: 86400,
};

function adminKs(): string {
  return mintKs({ partnerId: PARTNER.id, adminSecret: PARTNER.adminSecrets[0]!, type: 2, userId: 'multinode', expirySeconds: 3600 });
}

async function createOn(node: OratorNode, ks = adminKs()): Promise<{ sessionId: string; token: string }> {
  const response = await call(node.baseUrl, '/v1/avatar-session', {
    auth: `KS ${ks}`,
    body: { visualConfig: { avatarId: await firstAvatar(node, ks) } },
  });
  assert.equal(response.status, 200, `create on ${node.name}: ${JSON.stringify(response.body)}`);
  return { sessionId: response.body.sessionId as string, token: response.body.token as string };
}

let avatarId: string | undefined;
async function firstAvatar(node: OratorNode, ks: string): Promise<string> {
  if (avatarId) return avatarId;
  const response = await call(node.baseUrl, '/v1/catalog-item/list', { auth: `KS ${ks}`, body: { filter: { typeEqual: 'Visual' } } });
  const objects = response.body.objects as Array<{ id: string }> | undefined;
  assert.ok(objects?.[0], `catalog on ${node.name}: ${JSON.stringify(response.body)}`);
  avatarId = objects[0].id;
  return avatarId;
}

async function connectViewer(node: OratorNode, session: { sessionId: string; token: string }): Promise<TestViewer> {
  const init = await call(node.baseUrl, `/v1/avatar-session/${session.sessionId}/init-client`, {
    auth: `Bearer ${session.token}`,
    body: {},
  });
  assert.equal(init.status, 200, `init-client on ${node.name}`);
  const viewer = await TestViewer.connect(init.body.streamUrl as string, session.token);
  await viewer.waitForMessage('ready');
  return viewer;
}

function sayText(node: OratorNode, session: { sessionId: string; token: string }, text: string, turnId: string) {
  return call(node.baseUrl, `/v1/avatar-session/${session.sessionId}/say-text`, {
    auth: `Bearer ${session.token}`,
    body: { text, turnId },
  });
}

describe('several nodes sharing Redis', { skip }, () => {
  const prefixes: string[] = [];
  after(async () => {
    for (const prefix of prefixes) await deleteKeys(prefix);
  });

  /** Start three nodes on a fresh prefix, run the body, and kill every node whatever happens. */
  async function withCluster(body: (nodes: OratorNode[], options: ClusterOptions) => Promise<void>): Promise<void> {
    const options: ClusterOptions = { partner: PARTNER, prefix: uniquePrefix('multinode'), jwtSecret: randomBytes(32).toString('hex') };
    prefixes.push(options.prefix);
    const nodes = await startCluster(3, options);
    try {
      await body(nodes, options);
    } finally {
      await stopCluster(nodes);
    }
  }

  test('viewer on C hears text sent to B', async () => {
    await withCluster(async ([a, b, c]) => {
      const session = await createOn(a!);
      const viewer = await connectViewer(c!, session);
      try {
        const said = await sayText(b!, session, 'Hello from another node. This crosses Redis.', 'cross');
        assert.equal(said.status, 200, JSON.stringify(said.body));

        await viewer.waitFor('turn end of "cross"', () => viewer.ofType('turn-end').some((message) => message.turnId === 'cross'), 20_000);
        assert.equal(viewer.ofType('turn-end').find((message) => message.turnId === 'cross')?.reason, 'completed');
        assert.ok(viewer.audio.length > 0, 'no audio frames reached the viewer');
        assert.ok(
          viewer.audio.some((frame) => frame.peak > 1000),
          'the audio is silent',
        );
        assert.equal(
          viewer
            .ofType('segment')
            .map((segment) => segment.text)
            .join(''),
          'Hello from another node. This crosses Redis.',
        );
      } finally {
        viewer.close();
      }
    });
  });

  test('end on C gives 410 on A', async () => {
    await withCluster(async ([a, b, c]) => {
      const session = await createOn(a!);
      const viewer = await connectViewer(b!, session);
      try {
        const ended = await call(c!.baseUrl, `/v1/avatar-session/${session.sessionId}/end`, { auth: `Bearer ${session.token}`, body: {} });
        assert.equal(ended.status, 200);

        for (const path of ['keep-alive', 'say-text']) {
          const response = await call(a!.baseUrl, `/v1/avatar-session/${session.sessionId}/${path}`, {
            auth: `Bearer ${session.token}`,
            body: { text: 'Hi.' },
          });
          assert.equal(response.status, 410, `${path} on A after end on C`);
          assert.equal(response.body.error, 'Session ended');
        }

        // The viewer on B hears about the end and is closed.
        await viewer.waitFor('session-ended', () => viewer.ofType('session-ended').length > 0);
        await viewer.waitFor('socket close', () => viewer.closeCode !== undefined);
      } finally {
        viewer.close();
      }
    });
  });

  test('KS revoked on one node fails on others', async () => {
    await withCluster(async ([a, b, c]) => {
      const ks = adminKs();
      await createOn(a!, ks);

      const revoked = await fetch(`${b!.baseUrl}/api_v3/service/session/action/end`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ks, format: '1' }).toString(),
      });
      assert.equal(revoked.status, 200, await revoked.clone().text());

      for (const node of [a!, c!]) {
        const response = await call(node.baseUrl, '/v1/avatar-session', {
          auth: `KS ${ks}`,
          body: { visualConfig: { avatarId: avatarId! } },
        });
        assert.equal(response.status, 401, `create on ${node.name} with a revoked KS`);
        assert.equal(response.body.error, 'Invalid Kaltura Session');
      }

      // Another KS of the same partner still works.
      await createOn(c!);
    });
  });

  test('quota holds across nodes', async () => {
    await withCluster(async (nodes) => {
      const ks = adminKs();
      await firstAvatar(nodes[0]!, ks);

      const attempts = 24;
      const responses = await Promise.all(
        Array.from({ length: attempts }, (_, index) =>
          call(nodes[index % nodes.length]!.baseUrl, '/v1/avatar-session', {
            auth: `KS ${ks}`,
            body: { visualConfig: { avatarId: avatarId! } },
          }),
        ),
      );
      const statuses = responses.map((response) => response.status);
      assert.equal(statuses.filter((status) => status === 200).length, QUOTA, `statuses: ${statuses.join(',')}`);
      assert.equal(statuses.filter((status) => status === 429).length, attempts - QUOTA, `statuses: ${statuses.join(',')}`);
    });
  });

  test('queue survives the speaking node', async () => {
    await withCluster(async (nodes, options) => {
      const session = await createOn(nodes[0]!);
      const viewers = await Promise.all(nodes.map((node) => connectViewer(node, session)));
      const store = new RedisStore(newClient(), { prefix: options.prefix });
      try {
        const turns = ['first', 'second', 'third'];
        for (const turnId of turns) {
          const said = await sayText(nodes[1]!, session, `This is the ${turnId} turn. It has two sentences to speak.`, turnId);
          assert.equal(said.status, 200, JSON.stringify(said.body));
        }

        // Kill the owner of the speech lease once the first turn is on the air.
        await viewers[0]!.waitFor('first audio', () => viewers[0]!.audio.length > 0, 20_000);
        const ownerId = await store.client.get(store.keys.lease(session.sessionId));
        assert.ok(ownerId, 'no node holds the speech lease while speaking');
        const owner = nodes.find((node) => node.logs.some((entry) => entry.msg === 'speaker started' && entry.nodeId === ownerId));
        assert.ok(owner, `no node logged "speaker started" as ${ownerId}`);
        await owner.kill('SIGKILL');

        const survivor = nodes.indexOf(nodes.find((node) => node !== owner)!);
        const viewer = viewers[survivor]!;
        await viewer.waitFor(
          'the last turn to end after the takeover',
          () => viewer.ofType('turn-end').some((message) => message.turnId === 'third'),
          40_000,
        );

        // Every turn accepted before the crash was spoken, or is marked lost; none is left waiting.
        for (const turnId of turns) {
          const turn = await store.getTurn(session.sessionId, turnId);
          assert.ok(turn, `turn ${turnId} is gone from the store`);
          assert.ok(turn.state === 'done' || turn.state === 'lost', `turn ${turnId} is ${turn.state}`);
        }
        assert.deepEqual(await store.listPendingTurns(session.sessionId), []);

        const newOwner = await store.client.get(store.keys.lease(session.sessionId));
        assert.notEqual(newOwner, ownerId, 'the dead node still holds the lease');
      } finally {
        for (const viewer of viewers) viewer.close();
        await store.close();
      }
    });
  });
});
