// Starts the example backend: node server.js (see README.md for the environment variables).
import { fileURLToPath } from 'node:url';
import { createApp } from './app.js';

const ks = process.env.AVATAR_KS;
if (!ks) {
  console.error('AVATAR_KS is not set: export an ADMIN KS of your partner (Orator prints one at start-up in development mode).');
  process.exit(2);
}

const oratorUrl = process.env.ORATOR_URL || 'http://127.0.0.1:8080';
const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';

const app = createApp({ ks, oratorUrl, publicDir: fileURLToPath(new URL('./public/', import.meta.url)) });
const server = app.listen(port, host, () => {
  console.log(`Example backend on http://${host}:${server.address().port}/ using the avatar service at ${oratorUrl}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
