export { createDevelopmentPartner, DEVELOPMENT_PARTNER_ID } from './development.js';
export { PartnerConfigError, type PartnerConfigErrorCode } from './errors.js';
export { readPartnersFileForEdit, writePartnersFile } from './file-store.js';
export { loadPartners, MAX_PARTNERS_CONFIG_BYTES, parsePartnersJson, readPartnersFile } from './load.js';
export type { Partner, PartnerRegistry } from './partner.js';
export { adminSecretsOf, StaticPartnerRegistry } from './registry.js';
export { MIN_ADMIN_SECRET_LENGTH, PARTNER_DEFAULTS, validatePartner, validatePartnerList } from './validate.js';
