/**
 * Helpers that run a compiled model on explicit batches (left-padded rows, optional past
 * cache and adapters) and lay the logits out per row and position, for the runtime tests.
 */
import type { LoraAdapter } from '../../gpu-worker/src/adapters/adapter';
import { stackAdapters } from '../../gpu-worker/src/adapters/adapter-stack';
import type { ForwardOutput, LayerCache, ModelSession } from '../../gpu-worker/src/runtime/model-session';

/** Left-pads `rows` and runs one forward pass with no past; `slots[r]` is row r's adapter (or null). */
export async function runPadded(session: ModelSession, rows: number[][], adapters?: Array<LoraAdapter | null>): Promise<{ out: ForwardOutput; width: number; mask: number[][]; positions: number[][] }> {
  const cfg = session.config;
  const width = Math.max(...rows.map((r) => r.length));
  const b = rows.length;
  const ids = new BigInt64Array(b * width);
  const mask = new BigInt64Array(b * width);
  const pos = new BigInt64Array(b * width);
  const maskRows: number[][] = [];
  const posRows: number[][] = [];
  rows.forEach((row, r) => {
    const pad = width - row.length;
    maskRows.push(Array.from({ length: width }, (_, j) => (j < pad ? 0 : 1)));
    posRows.push(Array.from({ length: width }, (_, j) => Math.max(0, j - pad)));
    row.forEach((id, j) => {
      ids[r * width + pad + j] = BigInt(id);
      mask[r * width + pad + j] = 1n;
      pos[r * width + pad + j] = BigInt(j);
    });
  });
  const empty = { key: new Float32Array(0), value: new Float32Array(0) };
  const out = await session.forward({
    batch: b, seq: width, inputIds: ids, attentionMask: mask, positionIds: pos, pastLength: 0,
    past: Array.from({ length: cfg.numLayers }, () => empty), lora: loraFeeds(session, adapters),
  });
  return { out, width, mask: maskRows, positions: posRows };
}

/** Stacks the distinct adapters of a batch; row r uses its adapter's slot, or 0. */
export function loraFeeds(session: ModelSession, adapters?: Array<LoraAdapter | null>) {
  const distinct = [...new Set((adapters ?? []).filter((a): a is LoraAdapter => !!a))];
  if (!adapters || distinct.length === 0) return undefined;
  const { feeds } = stackAdapters(session.config, session.model.manifest.loraTargets, distinct);
  return { adapterIndex: BigInt64Array.from(adapters, (a) => BigInt(a ? distinct.indexOf(a) + 1 : 0)), tensors: feeds };
}

/** Logits of batch row `r` at position `t` (a view). */
export function logitsAt(out: ForwardOutput, vocab: number, r: number, t: number): Float32Array {
  const offset = (r * out.logitsSeq + t) * vocab;
  return out.logits.subarray(offset, offset + vocab);
}

/** Decodes one row token by token from an empty cache, returning each step's logits. */
export async function decodeTokenByToken(session: ModelSession, ids: number[], adapter?: LoraAdapter | null): Promise<Float32Array[]> {
  const cfg = session.config;
  let past: LayerCache[] = Array.from({ length: cfg.numLayers }, () => ({ key: new Float32Array(0), value: new Float32Array(0) }));
  const steps: Float32Array[] = [];
  for (let t = 0; t < ids.length; t++) {
    const out = await session.forward({
      batch: 1, seq: 1, inputIds: BigInt64Array.of(BigInt(ids[t])), attentionMask: new BigInt64Array(t + 1).fill(1n),
      positionIds: BigInt64Array.of(BigInt(t)), pastLength: t, past, lora: adapter ? loraFeeds(session, [adapter]) : undefined,
    });
    steps.push(out.logits.slice(0, cfg.vocabSize));
    past = out.present;
  }
  return steps;
}
