#!/usr/bin/env node
// Launcher of the `orator` CLI. It runs the compiled code, so the package must be built first.
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/main.js')) throw error;
  process.stderr.write('orator: the CLI is not built yet; run `npm run build` in the repository first\n');
  process.exit(1);
}
