/**
 * @module training/dp-sgd/gradient-layout
 * The names and sizes of a model's gradient tensors, and the check that every per-example gradient
 * has exactly them, so clipping and summing never mix up or silently drop a tensor.
 */

/** Element count of each gradient tensor, by parameter name. */
export type GradientLayout = ReadonlyMap<string, number>;

/** The layout of one gradient: its names and their lengths. */
export function layoutOf(grads: ReadonlyMap<string, Float32Array>): Map<string, number> {
  return new Map([...grads].map(([name, values]) => [name, values.length]));
}

/**
 * Throws unless `grads` has exactly the tensors of `layout`, with the same lengths.
 * @param label - how the message names `grads`, e.g. `example 3`
 * @throws RangeError naming the example and the tensor at fault
 */
export function assertLayout(grads: ReadonlyMap<string, Float32Array>, layout: GradientLayout, label: string): void {
  for (const [name, length] of layout) {
    const values = grads.get(name);
    if (values === undefined) throw new RangeError(`${label} has no gradient for ${name}`);
    if (values.length !== length) throw new RangeError(`${label}: gradient ${name} has ${values.length} elements, expected ${length}`);
  }
  for (const name of grads.keys()) {
    if (!layout.has(name)) throw new RangeError(`${label} has a gradient for ${name}, which the layout does not name`);
  }
}
