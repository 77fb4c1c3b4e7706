/** `POST /v1/catalog-item/list`: the avatars and voices a session can be created with. */

export type CatalogType = 'Visual' | 'Voice';

export interface CatalogListRequest {
  filter?: { typeEqual?: CatalogType };
  pager?: { offset?: number; limit?: number };
}

export interface VisualCatalogItem {
  id: string;
  type: 'Visual';
  name: string;
  description: string;
  /** Free-form attributes such as skin tone, hair and age, for pickers and search. */
  attributes: Record<string, string>;
  thumbnailUrl: string;
  defaultVoiceId: string;
}

export interface VoiceCatalogItem {
  id: string;
  type: 'Voice';
  name: string;
  /** BCP 47 language tag, for example `en-US`. */
  language: string;
  gender?: 'female' | 'male' | 'neutral';
  engine: string;
}

export type CatalogItem = VisualCatalogItem | VoiceCatalogItem;

export interface CatalogListResponse {
  success: true;
  totalCount: number;
  objects: CatalogItem[];
}
