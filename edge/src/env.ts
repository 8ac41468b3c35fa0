/**
 * @module edge/env
 * The Worker's bindings: `Env` generated from wrangler.toml (worker-configuration.d.ts) plus the
 * secrets, and the Hono context types shared by every route.
 */
import type { Principal } from './auth/verify-token';

/** Secrets set with `wrangler secret put` (locally: .dev.vars written by `npm start`). */
export interface EdgeSecrets {
  REDIS_URL: string;
  /** Shared with the workers; signs their completion reports (HMAC-SHA256). */
  INTERNAL_API_SECRET: string;
  /** Key of HMAC-SHA256(pepper, user:<len(tenant)>:<tenant>:<user>) storage keys. */
  STORAGE_PEPPER: string;
  /** Derives each tenant's `whsec_` webhook signing secret. */
  WEBHOOK_MASTER_KEY: string;
  /** Key-encryption keys: `kid:base64url(32 bytes)`, comma-separated, current first. */
  ENCRYPTION_KEY: string;
  JWKS_INLINE?: string;
  DEFAULT_TENANT?: string;
  JWT_ALGORITHMS?: string;
  JWT_CLOCK_TOLERANCE_S?: string;
}

export type EdgeEnv = Env & EdgeSecrets;

/** Per-request values set by middleware. */
export interface EdgeVariables {
  principal: Principal;
  /** HMAC-SHA256(pepper, user:<len(tenant)>:<tenant>:<user>), hex: the user's storage key. */
  ownerKey: string;
  /** HMAC-SHA256(pepper, tenant), hex. */
  tenantKey: string;
}

export interface AppEnv {
  Bindings: EdgeEnv;
  Variables: EdgeVariables;
}
