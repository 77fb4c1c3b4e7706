// Entry point of the `orator` command-line tool. bin/orator.js imports the compiled copy.
import { text } from 'node:stream/consumers';
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  readStdin: () => text(process.stdin),
  nowSeconds: () => Math.floor(Date.now() / 1000),
});
