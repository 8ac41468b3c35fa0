/**
 * @module gpu-worker/adapters/adapter-cache
 * A least-recently-used cache of decoded adapters, keyed by owner and version, so serving does
 * not fetch, decrypt and decode an adapter on every request. A version's bytes never change
 * (a new save is a new version), so entries need no invalidation beyond eviction. A `null`
 * entry remembers that a version cannot be used (wrong base model, undecryptable), so the
 * failure is decoded and logged once, not on every request.
 */
import type { LoraAdapter } from './adapter';

/** Default number of decoded adapters kept in memory. */
export const DEFAULT_ADAPTER_CACHE_ENTRIES = 256;

/** LRU of `owner + version` → decoded adapter (or `null` for an unusable version). */
export class AdapterCache {
  // A Map iterates in insertion order: re-inserting on every hit keeps the oldest entry first.
  private readonly entries = new Map<string, LoraAdapter | null>();

  /**
   * @param maxEntries - adapters kept before the least recently used is evicted. @default 256
   */
  constructor(readonly maxEntries: number = DEFAULT_ADAPTER_CACHE_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  }

  private static key(owner: string, version: number): string {
    return `${owner}:v${version}`;
  }

  /** The entry, marked most recently used; `undefined` when absent. */
  get(owner: string, version: number): LoraAdapter | null | undefined {
    const key = AdapterCache.key(owner, version);
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key)!;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** Stores an entry, evicting the least recently used beyond `maxEntries`. */
  set(owner: string, version: number, adapter: LoraAdapter | null): void {
    const key = AdapterCache.key(owner, version);
    this.entries.delete(key);
    this.entries.set(key, adapter);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Drops one version (deleted by a rollback or pruned). */
  delete(owner: string, version: number): void {
    this.entries.delete(AdapterCache.key(owner, version));
  }

  get size(): number {
    return this.entries.size;
  }
}
