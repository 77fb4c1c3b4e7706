import { PartnerConfigError } from './errors.js';
import type { Partner, PartnerRegistry } from './partner.js';

/** Partners fixed at startup. Returned partners are frozen copies, so callers cannot change them. */
export class StaticPartnerRegistry implements PartnerRegistry {
  private readonly byId = new Map<number, Partner>();

  constructor(partners: readonly Partner[]) {
    for (const partner of partners) {
      if (this.byId.has(partner.id)) {
        throw new PartnerConfigError('PARTNER_DUPLICATE_ID', `partner id ${partner.id} appears more than once`);
      }

      this.byId.set(partner.id, Object.freeze({ ...partner, adminSecrets: Object.freeze([...partner.adminSecrets]) as string[] }));
    }
  }

  get(partnerId: number): Partner | undefined {
    return this.byId.get(partnerId);
  }

  list(): Partner[] {
    return [...this.byId.values()];
  }
}

/**
 * Returns the admin-secret lookup that KS verification needs: the secrets of an enabled partner,
 * or undefined for an unknown or disabled one, so a disabled partner's KS fails like an unknown
 * partner's.
 */
export function adminSecretsOf(registry: PartnerRegistry): (partnerId: number) => readonly string[] | undefined {
  return (partnerId) => {
    const partner = registry.get(partnerId);
    return partner?.enabled ? partner.adminSecrets : undefined;
  };
}
