/**
 * convkit's core: immutable tensors, the primitive table and backend contract, shape algebra,
 * explicit random keys, param trees and the differentiable ops. Importing only the core sets no
 * backend: pass `{ backend }` when creating tensors or call `setDefaultBackend`.
 * @module
 */

export * from "./dtype.ts";
export * from "./errors.ts";
export * from "./primitives.ts";
export * from "./tensor.ts";
export * from "./backend.ts";
export * from "./create.ts";
export * from "./shape.ts";
export * from "./padding.ts";
export * from "./op.ts";
export * from "./ops/mod.ts";
export * from "./random.ts";
export * from "./tree.ts";
export * from "./grad_check.ts";
