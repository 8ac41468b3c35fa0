/**
 * @module test/bench/train-sizes
 * Bytes per adapter for the training benchmark: the raw float32 parameters, Attune's adapter file
 * (`encodeAdapter`), and the value the adapter store writes to Redis for one version
 * (`<kid>.v1.<iv>.<ct>`: the file sealed with AES-256-GCM, base64url, as `AdapterStore.save` does).
 */
import { randomBytes } from 'node:crypto';
import type { LoraAdapter } from '../../gpu-worker/src/adapters/adapter';
import { encodeAdapter } from '../../gpu-worker/src/adapters/adapter-file';
import { adapterContext } from '../../gpu-worker/src/adapters/adapter-store';
import { randomAdapter } from '../../gpu-worker/src/adapters/random-adapter';
import type { LlamaConfig, LoraTarget } from '../../gpu-worker/src/compiler/llama-config';
import { toBase64url } from '../../shared/privacy/crypto/base64url';
import { sealBytes } from '../../shared/privacy/crypto/envelope';
import { loadKeyring, type Keyring } from '../../shared/privacy/crypto/keyring';

/** A throwaway keyring with key id `k1`, the id docs/deployment.md's example uses. */
export function benchKeyring(): Promise<Keyring> {
  return loadKeyring(`k1:${toBase64url(randomBytes(32))}`);
}

/** Raw float32 bytes of an adapter's A and B matrices. */
export function rawBytes(adapter: LoraAdapter): number {
  return [...adapter.weights.values()].reduce((n, w) => n + w.a.byteLength + w.b.byteLength, 0);
}

/** Bytes of the Redis value `AdapterStore.save` writes for `adapter` (an ASCII string). */
export async function sealedBytes(adapter: LoraAdapter, keyring: Keyring, owner = 'f'.repeat(64)): Promise<number> {
  const kid = keyring.currentId;
  const sealed = await sealBytes(keyring.keys.get(kid)!, encodeAdapter(adapter), adapterContext(owner, adapter.version));
  return Buffer.byteLength(`${kid}.${sealed}`, 'latin1');
}

/** Largest rank (up to 64) at which `size` of an adapter for `targets` is within `limit` bytes. */
export async function largestRankWithin(
  cfg: LlamaConfig, targets: LoraTarget[], limit: number, size: (adapter: LoraAdapter) => number | Promise<number>,
): Promise<number> {
  let best = 0;
  for (let r = 1; r <= 64; r++) {
    if ((await size(randomAdapter(cfg, { baseModelId: 'sha256:bench-train', targets, rank: r, alpha: 2 * r, seed: 1 }))) > limit) break;
    best = r;
  }
  return best;
}
