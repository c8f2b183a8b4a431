/**
 * Calling a primitive: checks that the inputs live on one backend that supports the dtypes, calls
 * the kernel, wraps the handle in a new tensor.
 * @module
 */

import type { DType } from "./dtype.ts";
import type { KTensor, PrimitiveName, Primitives, Shape } from "./primitives.ts";
import { Tensor } from "./tensor.ts";

/** Runs primitive `name` on `inputs` (all on one backend) producing `shape` x `dtype`. */
export function runKernel<P extends PrimitiveName>(
  op: string,
  name: P,
  inputs: readonly Tensor[],
  attrs: Primitives[P]["attrs"],
  shape: Shape,
  dtype: DType,
): Tensor {
  const backend = inputs[0].backend;
  for (let i = 1; i < inputs.length; i++) {
    if (inputs[i].backend !== backend) {
      throw new TypeError(
        `${op}: all inputs must be on one backend, but input 0 is on "${backend.name}" and ` +
          `input ${i} is on "${inputs[i].backend.name}"`,
      );
    }
  }
  if (!backend.dtypes.includes(dtype)) {
    throw new TypeError(
      `${op}: the ${backend.name} backend does not support dtype ${dtype} ` +
        `(it supports ${backend.dtypes.join(", ")})`,
    );
  }
  const ks: KTensor<unknown>[] = inputs.map((t) => ({
    shape: t.shape,
    dtype: t.dtype,
    handle: Tensor.handleOf(t),
  }));
  // deno-lint-ignore no-explicit-any
  const kernel = backend.kernels[name] as (i: any, a: any, o: any) => unknown;
  const handle = kernel(ks, attrs, { shape, dtype });
  return new Tensor(backend, handle, shape, dtype);
}
