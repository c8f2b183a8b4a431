/**
 * The public ops. Every differentiable op is callable plainly and as `op.vjp(...)`, which
 * returns `[y, vjp]`.
 * @module
 */

export * from "./arithmetic.ts";
export * from "./unary.ts";
export * from "./reduce.ts";
export * from "./matmul.ts";
export * from "./transform.ts";
export * from "./conv.ts";
export * from "./pool.ts";
export * from "./softmax.ts";
