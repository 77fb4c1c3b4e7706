// Bundles the SDK for browsers: dist/esm/orator-sdk.js (ES module) and dist/iife/orator-sdk.js
// (classic script, global `Orator`, plus `window.KalturaAvatarSession`). Declarations come from `tsc -p .`.
import { build } from 'esbuild';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

const common = {
  entryPoints: [`${root}src/index.ts`],
  bundle: true,
  minify: true,
  sourcemap: true,
  platform: 'browser',
  // Browsers with ResizeObserver, Path2D from SVG path data and AudioContext options.
  target: ['es2020', 'chrome87', 'firefox78', 'safari15'],
  // Bundle the protocol from source, so the SDK build does not depend on the protocol's dist folder.
  alias: { '@orator/protocol': `${root}../protocol/src/index.ts` },
  legalComments: 'none',
  logLevel: 'info',
};

await Promise.all([
  build({ ...common, format: 'esm', outfile: `${root}dist/esm/orator-sdk.js` }),
  build({
    ...common,
    format: 'iife',
    globalName: 'Orator',
    outfile: `${root}dist/iife/orator-sdk.js`,
    footer: { js: 'if(typeof window!=="undefined"){window.KalturaAvatarSession=Orator.KalturaAvatarSession;}' },
  }),
]);

// Both bundles are served from one folder (/sdk/), so the IIFE's source map needs its own name.
const iife = `${root}dist/iife/orator-sdk.js`;
await rename(`${iife}.map`, `${root}dist/iife/orator-sdk.iife.js.map`);
const code = await readFile(iife, 'utf8');
await writeFile(iife, code.replace('//# sourceMappingURL=orator-sdk.js.map', '//# sourceMappingURL=orator-sdk.iife.js.map'));
