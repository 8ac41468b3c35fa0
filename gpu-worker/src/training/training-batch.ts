/**
 * @module gpu-worker/training/training-batch
 * Turns token sequences into training feeds: left-padded rows (as the runtime pads), position ids
 * from each row's first token, and labels aligned with positions — label[t] is the token at t+1,
 * counted (mask 1) only where that next token belongs to the response.
 */

/** One sequence to train on: the prompt is context only, the response is what is learned. */
export interface LabelledSequence {
  promptIds: number[];
  responseIds: number[];
}

/** Typed feeds of one batch. */
export interface BatchFeeds {
  batch: number;
  seq: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  positionIds: BigInt64Array;
  labels: BigInt64Array;
  labelMask: Float32Array;
}

/** Builds the feeds of `rows`, left-padded to the longest one. */
export function buildBatchFeeds(rows: LabelledSequence[], padTokenId = 0): BatchFeeds {
  if (rows.length === 0) throw new Error('a training batch needs at least one sequence');
  const seqs = rows.map((r) => {
    if (r.responseIds.length === 0) throw new Error('every training sequence needs at least one response token');
    return [...r.promptIds, ...r.responseIds];
  });
  const width = Math.max(...seqs.map((s) => s.length));
  const b = rows.length;
  const inputIds = new BigInt64Array(b * width).fill(BigInt(padTokenId));
  const attentionMask = new BigInt64Array(b * width);
  const positionIds = new BigInt64Array(b * width);
  const labels = new BigInt64Array(b * width);
  const labelMask = new Float32Array(b * width);
  seqs.forEach((ids, r) => {
    const pad = width - ids.length;
    const firstResponse = rows[r].promptIds.length;
    ids.forEach((id, j) => {
      const at = r * width + pad + j;
      inputIds[at] = BigInt(id);
      attentionMask[at] = 1n;
      positionIds[at] = BigInt(j);
      if (j + 1 < ids.length) {
        labels[at] = BigInt(ids[j + 1]);
        labelMask[at] = j + 1 >= firstResponse ? 1 : 0;
      }
    });
  });
  return { batch: b, seq: width, inputIds, attentionMask, positionIds, labels, labelMask };
}
