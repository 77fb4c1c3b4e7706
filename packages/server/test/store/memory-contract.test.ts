import { MemoryBus, MemoryStore } from '../../src/store/memory-store.js';
import { busContract, storeContract } from './contract.js';

storeContract('memory', async () => {
  const store = new MemoryStore();
  return { store, close: () => store.close() };
});

busContract('memory', async () => {
  const bus = new MemoryBus();
  return { a: bus, b: bus, close: () => bus.close() };
});
