import type { Redis } from 'ioredis';
import pino from 'pino';
import { RedisBus } from '../../src/store/redis-bus.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { busContract, storeContract } from './contract.js';
import { deleteKeys, newClient, redisSkipReason, uniquePrefix } from './redis-harness.js';

const skip = await redisSkipReason();
const log = pino({ level: 'silent' });

storeContract(
  'redis',
  async () => {
    const prefix = uniquePrefix('contract');
    const store = new RedisStore(newClient(), { prefix });
    return {
      store,
      async close() {
        await store.close();
        await deleteKeys(prefix);
      },
    };
  },
  { skip },
);

busContract(
  'redis',
  async () => {
    const prefix = uniquePrefix('bus');
    const clients: Redis[] = [newClient(), newClient(), newClient(), newClient()];
    const a = await RedisBus.start({ publisher: clients[0]!, subscriber: clients[1]!, prefix, log, ownsPublisher: true });
    const b = await RedisBus.start({ publisher: clients[2]!, subscriber: clients[3]!, prefix, log, ownsPublisher: true });
    return {
      a,
      b,
      async close() {
        await a.close();
        await b.close();
      },
    };
  },
  { skip },
);
