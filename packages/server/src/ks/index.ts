export { decodeKsBase64, encodeKsUrlSafeBase64, encodeStandardBase64 } from './base64.js';
export { constantTimeEqual } from './constant-time.js';
export { decodeKsUnverified, type UnverifiedKsV1, type UnverifiedKsV2 } from './decode.js';
export { KsError, type KsErrorCode } from './errors.js';
export { MAX_KS_LENGTH, MAX_PRIVILEGES_BYTES, MAX_USER_ID_BYTES } from './limits.js';
export { mintKs, type MintKsOptions } from './mint.js';
export { phpHttpBuildQuery, phpParseStr, phpUrlDecode, phpUrlEncode } from './php-query.js';
export { parseV1Privileges, type PrivilegeItem } from './privileges.js';
export { revocationKeys } from './revocation.js';
export { InMemoryKsRevocationStore, type KsRevocationStore } from './revocation-store.js';
export { normalizeClientIp } from './restrictions.js';
export { KS_TYPE_ADMIN, KS_TYPE_USER, type AdminSecretsLookup, type VerifiedKs } from './types.js';
export { verifyKs, verifyKsSignature, type VerifyKsOptions } from './verify.js';
export {
  invalidKsException,
  kalturaKsReason,
  missingKsException,
  startSessionException,
  type KalturaApiException,
  type KalturaKsReason,
} from './kaltura-api-errors.js';
