/**
 * @module gpu-worker/adapters/adapter-store tests, on real Redis (127.0.0.1:6379, DB 14; each
 * test uses fresh owners and deletes their keys, so it can share the database with the
 * train-adapter tests): versions, rollback and pruning, encryption at rest bound to owner and
 * version, key rotation, adapters of another base model, and the decoded-adapter cache.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterRedisKeys } from '../../../shared/jobs/train-adapter-job';
import { fromBase64url, toBase64url } from '../../../shared/privacy/crypto/base64url';
import { DecryptionError, openBytes } from '../../../shared/privacy/crypto/envelope';
import { loadKeyring, type Keyring } from '../../../shared/privacy/crypto/keyring';
import type { Logger } from '../runtime/logger';
import { AdapterCache } from './adapter-cache';
import type { AdapterExpectation } from './adapter-file';
import { adapterContext, AdapterStore, type AdapterStoreOptions } from './adapter-store';
import { randomAdapter } from './random-adapter';
import { TINY_BASE_ID, TINY_CFG } from './tiny-config.test-fixture';

const REDIS_URL = 'redis://127.0.0.1:6379/14';
const expect_: AdapterExpectation = { cfg: TINY_CFG, baseModelId: TINY_BASE_ID, compiledTargets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], maxRank: 8 };
const keyText = (seed: number) => toBase64url(Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + seed) & 0xff));
const adapterOf = (seed: number) => randomAdapter(TINY_CFG, { baseModelId: TINY_BASE_ID, targets: ['q_proj', 'v_proj'], rank: 4, alpha: 8, seed });

let redis: Redis;
let keyring: Keyring;
const owners: string[] = [];

function newOwner(): string {
  const owner = randomBytes(32).toString('hex');
  owners.push(owner);
  return owner;
}

function recording(): Logger & { lines: { level: string; msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push({ level, msg, fields });
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

const store = (o: Partial<AdapterStoreOptions> = {}) => new AdapterStore({ redis, keyring, expect: expect_, ...o });

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  keyring = await loadKeyring(`a1:${keyText(1)}`);
});

afterAll(async () => {
  for (const owner of owners) {
    const keys = await redis.keys(`attune:{user:${owner}}:*`);
    if (keys.length) await redis.del(...keys);
  }
  await redis.quit();
});

describe('AdapterStore', () => {
  it('saves versions 1, 2, 3 and returns the current one with the saved weights and its version in the header', async () => {
    const owner = newOwner();
    const s = store();
    expect(await s.current(owner)).toBeNull();
    expect(await s.versions(owner)).toEqual({ current: null, versions: [], updatedAt: null });
    const adapters = [adapterOf(1), adapterOf(2), adapterOf(3)];
    const saved = [];
    for (const a of adapters) saved.push(await s.save(owner, a));
    expect(saved).toEqual([1, 2, 3]);
    expect(adapters.map((a) => a.version)).toEqual([1, 1, 1]); // the caller's adapter is not changed
    const fresh = await store().current(owner); // another store: no cache, decoded from Redis
    expect(fresh!.version).toBe(3);
    expect(fresh!.weights.get('1.v_proj')!.b).toEqual(adapters[2].weights.get('1.v_proj')!.b);
    const info = await s.versions(owner);
    expect(info.current).toBe(3);
    expect(info.versions).toEqual([1, 2, 3]);
    expect(Date.parse(info.updatedAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('keeps the last versionsKept versions and deletes the older keys', async () => {
    const owner = newOwner();
    const s = store({ versionsKept: 3 });
    for (let i = 1; i <= 5; i++) await s.save(owner, adapterOf(i));
    expect(await s.versions(owner)).toMatchObject({ current: 5, versions: [3, 4, 5] });
    expect(await redis.exists(adapterRedisKeys.version(owner, 1), adapterRedisKeys.version(owner, 2))).toBe(0);
    expect(await redis.exists(adapterRedisKeys.version(owner, 3), adapterRedisKeys.version(owner, 4), adapterRedisKeys.version(owner, 5))).toBe(3);
  });

  it('rolls back to the previous version, deletes the rolled-back one, refuses to go below one version and never reuses a number', async () => {
    const owner = newOwner();
    const s = store();
    for (let i = 1; i <= 3; i++) await s.save(owner, adapterOf(i));
    expect((await s.current(owner))!.version).toBe(3);
    expect(await s.rollback(owner)).toBe(2);
    expect(await redis.exists(adapterRedisKeys.version(owner, 3))).toBe(0);
    const back = await s.current(owner);
    expect(back!.version).toBe(2);
    expect(back!.weights.get('0.q_proj')!.a).toEqual(adapterOf(2).weights.get('0.q_proj')!.a);
    expect(await s.rollback(owner)).toBe(1);
    expect(await s.rollback(owner)).toBeNull();
    expect(await s.versions(owner)).toMatchObject({ current: 1, versions: [1] });
    expect(await s.save(owner, adapterOf(9))).toBe(4);
    expect(await s.versions(owner)).toMatchObject({ current: 4, versions: [1, 4] });
    expect(await store().rollback(newOwner())).toBeNull();
  });

  it('stores sealed bytes, not the plaintext safetensors, and only the owner’s version context opens them', async () => {
    const owner = newOwner();
    await store().save(owner, adapterOf(1));
    const raw = (await redis.getBuffer(adapterRedisKeys.version(owner, 1)))!;
    const text = raw.toString('latin1');
    expect(text.startsWith('a1.v1.')).toBe(true);
    expect(text).not.toContain('attune-lora');
    expect(text).not.toContain('lora_A');
    const [, , iv, ct] = text.split('.');
    expect(Buffer.from(fromBase64url(ct)).toString('latin1')).not.toContain('attune-lora');
    expect(iv).toHaveLength(16); // 96-bit IV
    const key = keyring.keys.get('a1')!;
    const sealed = text.slice('a1.'.length);
    const plain = await openBytes(key, sealed, adapterContext(owner, 1));
    expect(Buffer.from(plain).toString('latin1')).toContain('attune-lora');
    await expect(openBytes(key, sealed, adapterContext(newOwner(), 1))).rejects.toBeInstanceOf(DecryptionError);
    await expect(openBytes(key, sealed, adapterContext(owner, 2))).rejects.toBeInstanceOf(DecryptionError);
  });

  it('reads a blob copied into another user’s store as absent and logs it, without throwing', async () => {
    const victim = newOwner();
    const attacker = newOwner();
    await store().save(victim, adapterOf(1));
    await store().save(attacker, adapterOf(2));
    const blob = await redis.get(adapterRedisKeys.version(victim, 1));
    await redis.set(adapterRedisKeys.version(attacker, 1), blob!);
    const logger = recording();
    const s = store({ logger });
    expect(await s.current(attacker)).toBeNull();
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(await s.current(attacker)).toBeNull(); // cached: logged once
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(JSON.stringify(logger.lines)).not.toMatch(/lora_A|attune-lora/);
  });

  it('opens versions sealed before a key rotation and seals new ones with the new key', async () => {
    const owner = newOwner();
    await store().save(owner, adapterOf(1));
    const rotated = await loadKeyring(`a2:${keyText(2)},a1:${keyText(1)}`);
    const s = store({ keyring: rotated });
    expect((await s.current(owner))!.version).toBe(1);
    await s.save(owner, adapterOf(2));
    expect((await redis.get(adapterRedisKeys.version(owner, 2)))!.startsWith('a2.v1.')).toBe(true);
    const logger = recording();
    expect(await store({ keyring, logger }).current(owner)).toBeNull(); // a1 only cannot open a2
    expect(logger.lines[0]).toMatchObject({ level: 'error', fields: { kid: 'a2', version: 2 } });
  });

  it('treats an adapter of another base model as absent and logs BASE_MODEL_MISMATCH', async () => {
    const owner = newOwner();
    await store().save(owner, adapterOf(1));
    const logger = recording();
    const other = store({ expect: { ...expect_, baseModelId: 'sha256:another-model' }, logger });
    expect(await other.current(owner)).toBeNull();
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'warn', fields: { code: 'BASE_MODEL_MISMATCH', version: 1 } });
    await expect(other.save(owner, adapterOf(2))).rejects.toMatchObject({ code: 'BASE_MODEL_MISMATCH' });
    await expect(store({ expect: { ...expect_, compiledTargets: ['q_proj'] } }).save(owner, adapterOf(2))).rejects.toMatchObject({ code: 'TARGET_NOT_COMPILED' });
    expect((await store().versions(owner)).versions).toEqual([1]);
  });

  it('serves repeated reads from the cache, and never serves an erased user’s adapter after a new one is saved', async () => {
    const owner = newOwner();
    const s = store();
    await s.save(owner, adapterOf(1));
    const first = await s.current(owner);
    expect(await s.current(owner)).toBe(first); // same object: not decoded again
    // Erasure at the edge deletes every key of the user; a new adapter starts again at version 1.
    await redis.del(...(await redis.keys(`attune:{user:${owner}}:*`)));
    expect(await s.current(owner)).toBeNull();
    const replacement = adapterOf(7);
    expect(await s.save(owner, replacement)).toBe(1);
    const now = await s.current(owner);
    expect(now).not.toBe(first);
    expect(now!.weights.get('0.q_proj')!.a).toEqual(replacement.weights.get('0.q_proj')!.a);
  });
});

describe('AdapterCache', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new AdapterCache(2);
    const a = adapterOf(1);
    cache.set('u1', 1, a);
    cache.set('u2', 1, null);
    expect(cache.get('u1', 1)).toBe(a); // u1 is now the most recent
    cache.set('u3', 1, a);
    expect(cache.get('u2', 1)).toBeUndefined();
    expect(cache.get('u1', 1)).toBe(a);
    expect(cache.size).toBe(2);
    expect(() => new AdapterCache(0)).toThrow('maxEntries must be a positive integer, got 0');
  });
});
