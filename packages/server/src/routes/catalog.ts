import type { FastifyInstance } from 'fastify';
import type { CatalogItem, CatalogListRequest } from '@orator/protocol';
import type { AppContext } from '../app-context.js';
import { ApiError, Errors } from '../http/api-error.js';
import { publicBaseUrl } from './public-url.js';

/** Largest page of `catalog-item/list`. */
export const MAX_PAGE_SIZE = 500;

const listBody = {
  type: 'object',
  properties: {
    filter: { type: 'object', properties: { typeEqual: { type: 'string' } } },
    pager: {
      type: 'object',
      properties: { offset: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE } },
    },
  },
} as const;

/** Register the avatar and voice catalog, plus the public avatar data and thumbnails the SDK loads. */
export async function catalogRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  const { auth, catalog, config } = context;

  app.post<{ Body: CatalogListRequest | undefined }>('/v1/catalog-item/list', { schema: { body: listBody } }, async (request) => {
    await auth.requireKs(request);
    const body = request.body ?? {};

    const type = body.filter?.typeEqual;
    if (type !== undefined && type !== 'Visual' && type !== 'Voice') {
      throw Errors.badRequest(`filter.typeEqual must be "Visual" or "Voice", got "${String(type)}"`, 'INVALID_FILTER');
    }

    const baseUrl = publicBaseUrl(request, config.publicUrl);
    const items: CatalogItem[] = [
      ...(type === 'Voice' ? [] : catalog.visualItems(baseUrl)),
      ...(type === 'Visual' ? [] : catalog.voiceItems()),
    ];
    const offset = body.pager?.offset ?? 0;
    const limit = body.pager?.limit ?? MAX_PAGE_SIZE;
    return { success: true, totalCount: items.length, objects: items.slice(offset, offset + limit) };
  });

  app.get<{ Params: { avatarId: string } }>('/v1/avatars/:avatarId', async (request, reply) => {
    const avatarId = request.params.avatarId.replace(/\.json$/, '');
    const avatar = catalog.getAvatar(avatarId);
    if (!avatar) throw new ApiError(404, `Avatar "${avatarId}" not found`, 'AVATAR_NOT_FOUND');
    reply.header('cache-control', 'public, max-age=300');
    return avatar;
  });

  app.get<{ Params: { avatarId: string; file: string } }>('/v1/avatars/:avatarId/:file', async (request, reply) => {
    const asset = catalog.getAsset(request.params.avatarId, request.params.file);
    if (!asset)
      throw new ApiError(404, `Avatar file "${request.params.file}" of "${request.params.avatarId}" not found`, 'AVATAR_FILE_NOT_FOUND');
    return reply.type(asset.contentType).header('cache-control', 'public, max-age=300').send(asset.bytes);
  });

  app.get<{ Params: { avatarId: string } }>('/v1/avatars/:avatarId/thumbnail.svg', async (request, reply) => {
    const svg = catalog.thumbnailSvg(request.params.avatarId);
    if (svg === undefined) throw new ApiError(404, `Avatar "${request.params.avatarId}" not found`, 'AVATAR_NOT_FOUND');
    return reply.type('image/svg+xml').header('cache-control', 'public, max-age=300').send(svg);
  });
}
