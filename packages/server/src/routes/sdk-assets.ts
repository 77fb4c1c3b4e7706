import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../http/api-error.js';

/** Build output of packages/sdk. */
export const SDK_DIST_DIR = fileURLToPath(new URL('../../../sdk/dist/', import.meta.url));

/** Stable public paths of the SDK bundles, mapped to the files of the SDK build. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'orator-sdk.js': { file: 'esm/orator-sdk.js', type: 'text/javascript; charset=utf-8' },
  'orator-sdk.js.map': { file: 'esm/orator-sdk.js.map', type: 'application/json; charset=utf-8' },
  'orator-sdk.iife.js': { file: 'iife/orator-sdk.js', type: 'text/javascript; charset=utf-8' },
  'orator-sdk.iife.js.map': { file: 'iife/orator-sdk.iife.js.map', type: 'application/json; charset=utf-8' },
};

/** `GET /sdk/orator-sdk.js` (ESM) and `GET /sdk/orator-sdk.iife.js` (script tag), with source maps. */
export async function sdkAssetRoutes(app: FastifyInstance, options: { distDir?: string } = {}): Promise<void> {
  const distDir = options.distDir ?? SDK_DIST_DIR;

  app.get<{ Params: { name: string } }>('/sdk/:name', async (request, reply) => {
    const asset = ASSETS[request.params.name];
    if (!asset)
      throw new ApiError(
        404,
        `SDK file "${request.params.name}" not found; use /sdk/orator-sdk.js or /sdk/orator-sdk.iife.js`,
        'SDK_FILE_NOT_FOUND',
      );

    let body: Buffer;
    try {
      body = await readFile(join(distDir, asset.file));
    } catch {
      throw new ApiError(503, 'The SDK has not been built; run npm run build', 'SDK_NOT_BUILT');
    }
    // The bundle changes with every build, so clients revalidate instead of caching blindly.
    return reply.type(asset.type).header('cache-control', 'no-cache').send(body);
  });
}
