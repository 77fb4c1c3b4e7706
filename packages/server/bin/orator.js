#!/usr/bin/env node
// Launcher of the `orator` CLI. It runs the compiled code, so run `npm run build` first.
import '../dist/cli/main.js';
