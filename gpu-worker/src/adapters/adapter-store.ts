/**
 * @module gpu-worker/adapters/adapter-store
 * Users' LoRA adapters in Redis, encrypted and versioned. Per user (owner = the 64-hex storage
 * key), under the `{user:<owner>}` hash tag (one cluster slot; erasure deletes
 * `attune:{user:<owner>}:*`):
 * - `…:adapter:v<N>`: the adapter file (`encodeAdapter`) sealed with AES-256-GCM as
 *   `<kid>.v1.<iv>.<ct>`: `kid` names the `ADAPTER_ENCRYPTION_KEY` entry that sealed it (so a
 *   rotation keeps old versions readable), and the associated data `<owner>:adapter:v<N>` binds
 *   the blob to its user and version, so it cannot be moved to another user or version;
 * - `…:adapter:meta`: a hash {current, versions (JSON list, oldest first, current last),
 *   updated_at, latest (highest version ever assigned, so numbers are never reused), epoch
 *   (random, set by the first save: a user re-created after erasure gets a new one, so the
 *   in-memory cache never serves an erased adapter)}.
 *
 * Reads go through an LRU of decoded adapters (see `adapter-cache.ts`). An adapter this model
 * cannot use (another base model, a target it was not compiled with, undecryptable) reads as
 * absent and is logged once, never thrown: serving falls back to the base model.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { adapterRedisKeys } from '../../../shared/jobs/train-adapter-job';
import { DecryptionError, openBytes, sealBytes } from '../../../shared/privacy/crypto/envelope';
import type { Keyring } from '../../../shared/privacy/crypto/keyring';
import { silentLogger, type Logger } from '../runtime/logger';
import { AdapterError, checkAdapterShapes, type LoraAdapter } from './adapter';
import { AdapterCache, DEFAULT_ADAPTER_CACHE_ENTRIES } from './adapter-cache';
import { decodeAdapter, encodeAdapter, type AdapterExpectation } from './adapter-file';
import { cloneAdapter } from './fresh-adapter';

/** Default number of versions kept per user. */
export const DEFAULT_ADAPTER_VERSIONS_KEPT = 3;

/** Options of {@link AdapterStore}. */
export interface AdapterStoreOptions {
  redis: Redis;
  /** `ADAPTER_ENCRYPTION_KEY`: the current entry seals, every entry opens. */
  keyring: Keyring;
  /** What the serving model accepts: base model, compiled targets, maximum rank, shapes. */
  expect: AdapterExpectation;
  /** Versions kept per user; older ones are deleted on save (1..20). @default 3 */
  versionsKept?: number;
  /** Decoded adapters kept in memory. @default 256 */
  cacheEntries?: number;
  /** Store-level log lines (owner keys, versions, error codes; never weights). @default silentLogger */
  logger?: Logger;
}

/** A user's stored versions. */
export interface AdapterVersions {
  /** The version served, or null when the user has none. */
  current: number | null;
  /** Kept versions, oldest first. */
  versions: number[];
  /** When the current version was last set (ISO 8601), or null. */
  updatedAt: string | null;
}

/** AAD of a sealed version: binds the blob to its owner and version. */
export const adapterContext = (owner: string, version: number): string => `${owner}:adapter:v${version}`;

// KEYS: meta, version key. ARGV: version, sealed value, versions kept, updated_at, new epoch.
// Appends the version, makes it current and trims the list; returns the epoch and the dropped
// versions, whose keys the caller deletes (only declared keys are touched here, as Redis
// Cluster requires).
const SAVE_SCRIPT = `
local raw = redis.call('HGET', KEYS[1], 'versions')
local versions = {}
if raw then versions = cjson.decode(raw) end
table.insert(versions, tonumber(ARGV[1]))
local dropped = {}
while #versions > tonumber(ARGV[3]) do table.insert(dropped, table.remove(versions, 1)) end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[5])
redis.call('HSET', KEYS[1], 'current', ARGV[1], 'versions', cjson.encode(versions), 'updated_at', ARGV[4])
return {redis.call('HGET', KEYS[1], 'epoch'), cjson.encode(dropped)}`;

// KEYS: meta. ARGV: updated_at. Drops the current (last) version when an older one is kept;
// returns {removed, new current}, or nil when there is nothing to go back to.
const ROLLBACK_SCRIPT = `
local raw = redis.call('HGET', KEYS[1], 'versions')
if not raw then return nil end
local versions = cjson.decode(raw)
if #versions < 2 then return nil end
local removed = table.remove(versions)
local current = versions[#versions]
redis.call('HSET', KEYS[1], 'current', current, 'versions', cjson.encode(versions), 'updated_at', ARGV[1])
return {removed, current}`;

/**
 * Encrypted, versioned adapter storage with an in-memory cache of decoded adapters.
 *
 * @example
 * const store = new AdapterStore({ redis, keyring: await loadKeyring(config.adapterEncryptionKey), expect });
 * const version = await store.save(owner, trained);
 * const adapter = await store.current(owner); // LoraAdapter | null
 */
export class AdapterStore {
  private readonly redis: Redis;
  private readonly keyring: Keyring;
  private readonly expect: AdapterExpectation;
  private readonly logger: Logger;
  private readonly cache: AdapterCache;
  readonly versionsKept: number;

  constructor(options: AdapterStoreOptions) {
    const kept = options.versionsKept ?? DEFAULT_ADAPTER_VERSIONS_KEPT;
    if (!Number.isSafeInteger(kept) || kept < 1 || kept > 20) throw new RangeError(`versionsKept must be an integer in 1..20, got ${kept}`);
    this.redis = options.redis;
    this.keyring = options.keyring;
    this.expect = options.expect;
    this.logger = options.logger ?? silentLogger;
    this.cache = new AdapterCache(options.cacheEntries ?? DEFAULT_ADAPTER_CACHE_ENTRIES);
    this.versionsKept = kept;
  }

  /**
   * The user's current adapter, or null when there is none or it cannot be used with this model
   * (logged with its error code; the result is cached, so it is logged once per version).
   */
  async current(owner: string): Promise<LoraAdapter | null> {
    const [currentText, epoch] = await this.redis.hmget(adapterRedisKeys.meta(owner), 'current', 'epoch');
    if (!currentText) return null;
    const version = Number(currentText);
    const cacheOwner = `${owner}:${epoch ?? ''}`;
    const cached = this.cache.get(cacheOwner, version);
    if (cached !== undefined) return cached;
    const stored = await this.redis.get(adapterRedisKeys.version(owner, version));
    if (stored === null) return null; // removed since the meta was read (a concurrent save or rollback)
    const adapter = await this.open(owner, version, stored);
    this.cache.set(cacheOwner, version, adapter);
    return adapter;
  }

  /**
   * Stores `adapter` as the user's next version and makes it current; versions beyond
   * `versionsKept` are deleted, oldest first. The adapter is not changed (the stored copy's
   * header carries the new version number).
   *
   * @returns the new version number
   * @throws AdapterError when the adapter does not fit this model (a bug in the caller: nothing is stored)
   */
  async save(owner: string, adapter: LoraAdapter): Promise<number> {
    this.checkFits(adapter);
    const meta = adapterRedisKeys.meta(owner);
    const version = await this.redis.hincrby(meta, 'latest', 1);
    const copy = cloneAdapter({ ...adapter, version });
    const kid = this.keyring.currentId;
    const sealed = await sealBytes(this.keyring.keys.get(kid)!, encodeAdapter(copy), adapterContext(owner, version));
    const [epoch, droppedJson] = (await this.redis.eval(
      SAVE_SCRIPT, 2, meta, adapterRedisKeys.version(owner, version),
      String(version), `${kid}.${sealed}`, String(this.versionsKept), new Date().toISOString(), randomBytes(8).toString('hex'),
    )) as [string, string];
    const dropped = jsonNumbers(droppedJson);
    if (dropped.length) await this.redis.del(...dropped.map((v) => adapterRedisKeys.version(owner, v)));
    for (const v of dropped) this.cache.delete(`${owner}:${epoch}`, v);
    this.cache.set(`${owner}:${epoch}`, version, copy);
    this.logger.info('adapter saved', { owner, version, dropped });
    return version;
  }

  /**
   * Makes the previous kept version current and deletes the current one.
   *
   * @returns the version now current, or null (nothing changed) when fewer than two are kept
   */
  async rollback(owner: string): Promise<number | null> {
    const meta = adapterRedisKeys.meta(owner);
    const result = (await this.redis.eval(ROLLBACK_SCRIPT, 1, meta, new Date().toISOString())) as [number, number] | null;
    if (!result) return null;
    const [removed, current] = result;
    await this.redis.del(adapterRedisKeys.version(owner, removed));
    const epoch = await this.redis.hget(meta, 'epoch');
    this.cache.delete(`${owner}:${epoch ?? ''}`, removed);
    this.logger.info('adapter rolled back', { owner, removed, current });
    return current;
  }

  /** The user's kept versions and the current one. */
  async versions(owner: string): Promise<AdapterVersions> {
    const [current, versions, updatedAt] = await this.redis.hmget(adapterRedisKeys.meta(owner), 'current', 'versions', 'updated_at');
    return { current: current ? Number(current) : null, versions: jsonNumbers(versions), updatedAt: updatedAt ?? null };
  }

  /** Decrypts and decodes one stored version; null (logged) when this model cannot use it. */
  private async open(owner: string, version: number, stored: string): Promise<LoraAdapter | null> {
    const dot = stored.indexOf('.');
    const kid = stored.slice(0, Math.max(dot, 0));
    const key = this.keyring.keys.get(kid);
    if (!key) {
      this.logger.error('adapter sealed with a key ADAPTER_ENCRYPTION_KEY does not hold', { owner, version, kid });
      return null;
    }
    try {
      const adapter = decodeAdapter(await openBytes(key, stored.slice(dot + 1), adapterContext(owner, version)), this.expect);
      if (adapter.version !== version) throw new AdapterError('BAD_HEADER', `adapter header says version ${adapter.version}, stored as ${version}`, 'version');
      return adapter;
    } catch (error) {
      if (error instanceof DecryptionError) {
        this.logger.error('adapter cannot be decrypted: wrong key, moved from another user or version, or tampered', { owner, version });
        return null;
      }
      if (error instanceof AdapterError) {
        this.logger.warn('stored adapter does not fit this model; serving without it', { owner, version, code: error.code, error: error.message });
        return null;
      }
      throw error;
    }
  }

  private checkFits(adapter: LoraAdapter): void {
    const { baseModelId, compiledTargets, maxRank, cfg } = this.expect;
    if (adapter.baseModelId !== baseModelId) {
      throw new AdapterError('BASE_MODEL_MISMATCH', `adapter was trained for base model ${adapter.baseModelId}, this model is ${baseModelId}`, 'base_model');
    }
    const missing = adapter.targets.find((t) => !compiledTargets.includes(t));
    if (missing) throw new AdapterError('TARGET_NOT_COMPILED', `adapter targets ${missing}, the model was compiled for ${compiledTargets.join(', ')}`, missing);
    if (adapter.rank > maxRank) throw new AdapterError('RANK_TOO_LARGE', `adapter rank ${adapter.rank} exceeds the maximum rank ${maxRank}`, 'rank');
    checkAdapterShapes(cfg, adapter);
  }
}

/** A JSON list of numbers from Redis (an empty Lua table encodes as `{}`). */
function jsonNumbers(text: string | null): number[] {
  if (!text) return [];
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.map(Number) : [];
}
