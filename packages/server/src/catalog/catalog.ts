import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseAvatarDefinition,
  renderAvatarSvg,
  type AnyAvatarDefinition,
  type VisualCatalogItem,
  type VoiceCatalogItem,
} from '@orator/protocol';
import type { SpeechEngine, VoiceInfo } from '../speech/index.js';

/** Folder of the built-in avatars: one JSON file each, so adding an avatar needs no code. */
export const BUILT_IN_AVATAR_DIR = fileURLToPath(new URL('../../catalog/avatars/', import.meta.url));

export class CatalogError extends Error {
  readonly code = 'CATALOG_INVALID';
}

/** An image of an image avatar, served at `/v1/avatars/{id}/{name}`. */
export interface AvatarAsset {
  bytes: Buffer;
  contentType: string;
}

const IMAGE_TYPES: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

// Largest image file of an image avatar; portraits and mouths are small.
const MAX_ASSET_BYTES = 2 * 1024 * 1024;
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The avatars and voices that sessions can use. */
export class Catalog {
  private readonly avatarsById: Map<string, AnyAvatarDefinition>;
  private readonly voicesById: Map<string, VoiceInfo>;
  private readonly thumbnails = new Map<string, string>();

  private constructor(
    readonly avatars: AnyAvatarDefinition[],
    readonly voices: VoiceInfo[],
    /** Image files of image avatars, by avatar id and file name. */
    private readonly assets: Map<string, Map<string, AvatarAsset>>,
  ) {
    this.avatarsById = new Map(avatars.map((avatar) => [avatar.id, avatar]));
    this.voicesById = new Map(voices.map((voice) => [voice.id, voice]));
  }

  /** Load every `*.json` avatar in `avatarDir` and the engine's voices; a bad file fails start-up. */
  static async load(engine: SpeechEngine, avatarDir = BUILT_IN_AVATAR_DIR): Promise<Catalog> {
    const files = (await readdir(avatarDir)).filter((name) => name.endsWith('.json')).sort();
    const avatars: AnyAvatarDefinition[] = [];
    for (const file of files) {
      try {
        avatars.push(parseAvatarDefinition(JSON.parse(await readFile(join(avatarDir, file), 'utf8'))));
      } catch (error) {
        throw new CatalogError(`avatar file ${file} is invalid: ${(error as Error).message}`);
      }
    }
    if (avatars.length === 0) throw new CatalogError(`no avatar files (*.json) in ${avatarDir}`);

    const assets = new Map<string, Map<string, AvatarAsset>>();
    for (const avatar of avatars) {
      if (avatar.kind === 'image') assets.set(avatar.id, await loadAssets(join(avatarDir, avatar.id)));
    }

    const voices = await engine.listVoices();
    const catalog = new Catalog(avatars, voices, assets);
    for (const avatar of avatars) {
      if (!catalog.voicesById.has(avatar.defaultVoiceId)) {
        // With the test engine only its own voices exist, so fall back to the engine's first voice.
        avatar.defaultVoiceId = voices[0]?.id ?? avatar.defaultVoiceId;
      }
    }
    return catalog;
  }

  getAvatar(avatarId: string): AnyAvatarDefinition | undefined {
    return this.avatarsById.get(avatarId);
  }

  getVoice(voiceId: string): VoiceInfo | undefined {
    return this.voicesById.get(voiceId);
  }

  /** SVG thumbnail of an avatar's neutral face, rendered once from its data. */
  thumbnailSvg(avatarId: string): string | undefined {
    const avatar = this.avatarsById.get(avatarId);
    if (!avatar) return undefined;

    let svg = this.thumbnails.get(avatarId);
    if (svg === undefined) {
      // An SVG shown through <img> loads no external images, so the avatar's own files are inlined.
      const files = this.assets.get(avatarId);
      svg = renderAvatarSvg(avatar, {
        resolveImage: (url) => {
          const asset = files?.get(url);
          return asset ? `data:${asset.contentType};base64,${asset.bytes.toString('base64')}` : url;
        },
      });
      this.thumbnails.set(avatarId, svg);
    }
    return svg;
  }

  getAsset(avatarId: string, name: string): AvatarAsset | undefined {
    return this.assets.get(avatarId)?.get(name);
  }

  visualItems(baseUrl: string): VisualCatalogItem[] {
    return this.avatars.map((avatar) => ({
      id: avatar.id,
      type: 'Visual',
      name: avatar.name,
      description: avatar.description,
      attributes: { ...avatar.attributes },
      thumbnailUrl: `${baseUrl}/v1/avatars/${encodeURIComponent(avatar.id)}/thumbnail.svg`,
      defaultVoiceId: avatar.defaultVoiceId,
    }));
  }

  voiceItems(): VoiceCatalogItem[] {
    return this.voices.map((voice) => ({
      id: voice.id,
      type: 'Voice',
      name: voice.name,
      language: voice.language,
      ...(voice.gender ? { gender: voice.gender } : {}),
      engine: voice.engine,
    }));
  }
}

/** Read the image files in an image avatar's folder; names and sizes are checked. */
async function loadAssets(dir: string): Promise<Map<string, AvatarAsset>> {
  const assets = new Map<string, AvatarAsset>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return assets;
  }

  for (const name of names) {
    const contentType = IMAGE_TYPES[extname(name).toLowerCase()];
    if (!contentType || !ASSET_NAME.test(name)) continue;

    const path = join(dir, name);
    const info = await stat(path);
    if (!info.isFile()) continue;
    if (info.size > MAX_ASSET_BYTES)
      throw new CatalogError(`avatar image ${path} is ${info.size} bytes; the maximum is ${MAX_ASSET_BYTES}`);
    assets.set(name, { bytes: await readFile(path), contentType });
  }
  return assets;
}
