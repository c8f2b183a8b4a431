/**
 * Helpers shared by the layers: checks of input shapes, inputs, params and contexts, and the
 * bookkeeping of summary rows. Private to `layers/`.
 * @module
 */

import { type Backend, type Key, show, sizeOf, split, Tensor } from "../core/mod.ts";
import type {
  Ctx,
  InitOptions,
  Input,
  InShape,
  LayerInfo,
  Mode,
  Output,
  OutShape,
  Receptive,
} from "./layer.ts";

/** True when `s` is an array of shapes rather than one shape. */
export function isShapeList(s: InShape): s is readonly (readonly number[])[] {
  return Array.isArray(s) && s.length > 0 && Array.isArray(s[0]);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

/**
 * Checks one shape with the batch axis first: integers, the batch `-1` (any) or `>= 0`, the other
 * sizes `>= 0`. Returns a copy.
 */
export function checkOneShape(op: string, arg: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every(isInt)) {
    throw new TypeError(`${op}: ${arg} must be an array of integers, but got ${show(shape)}`);
  }
  shape.forEach((d, i) => {
    if (d < (i === 0 ? -1 : 0)) {
      throw new RangeError(
        `${op}: ${arg}[${i}] must be ${
          i === 0 ? "-1 (any batch size) or >= 0" : ">= 0"
        }, but got ${d} (in ${show(shape)})`,
      );
    }
  });
  return [...shape];
}

/** Checks that `inShape` is one shape (of `rank`, when given, with axes named by `layout`). */
export function singleShape(
  op: string,
  inShape: InShape,
  rank?: number,
  layout?: string,
): number[] {
  if (isShapeList(inShape)) {
    throw new TypeError(
      `${op}: inputShape must be one shape (the layer takes one input), but got ${inShape.length}` +
        ` shapes ${show(inShape)}`,
    );
  }
  const s = checkOneShape(op, "inputShape", inShape);
  if (rank !== undefined && s.length !== rank) {
    throw new TypeError(
      `${op}: inputShape must have rank ${rank} (${layout}), but got ${show(s)}`,
    );
  }
  return s;
}

/** Checks that `inShape` is an array of shapes (of `count` shapes, when given). */
export function shapeList(op: string, inShape: InShape, count?: number): number[][] {
  const ok = Array.isArray(inShape) && inShape.every((s) => Array.isArray(s)) &&
    (inShape.length > 0 || count === 0);
  if (!ok) {
    throw new TypeError(
      `${op}: inputShape must be an array of shapes (the layer takes a list of inputs), but got ${
        show(inShape)
      }`,
    );
  }
  const list = inShape as readonly unknown[];
  if (count !== undefined && list.length !== count) {
    throw new TypeError(
      `${op}: inputShape must hold ${count} shapes (one per branch), but holds ${list.length}`,
    );
  }
  return list.map((s, i) => checkOneShape(op, `inputShape[${i}]`, s));
}

/** Checks that `x` is one tensor (not an array) and returns it. */
export function singleInput(op: string, x: Input | Output, arg = "x"): Tensor {
  if (x instanceof Tensor) return x;
  throw new TypeError(
    `${op}: ${arg} must be one Tensor (the layer takes one input), but got ${
      Array.isArray(x) ? `an array of ${x.length}` : show(x)
    }`,
  );
}

/** Checks that `x` is an array of tensors (of `count`, when given) and returns it. */
export function inputList(op: string, x: Input | Output, count?: number, arg = "x"): Tensor[] {
  if (!Array.isArray(x) || !x.every((t) => t instanceof Tensor)) {
    throw new TypeError(
      `${op}: ${arg} must be an array of Tensors (the layer takes a list of inputs), but got ${
        x instanceof Tensor ? `one Tensor ${show(x.shape)}` : show(x)
      }`,
    );
  }
  if (count !== undefined && x.length !== count) {
    throw new TypeError(`${op}: ${arg} must hold ${count} Tensors, but holds ${x.length}`);
  }
  return [...x];
}

/** Checks that `x` has rank `rank` (axes named by `layout`). */
export function checkInputRank(op: string, x: Tensor, rank: number, layout: string): void {
  if (x.rank !== rank) {
    throw new TypeError(
      `${op}: x must have rank ${rank} (${layout}), but has shape ${show(x.shape)}`,
    );
  }
}

/** Returns `params[name]`, checking that it is a Tensor. */
export function param(op: string, params: unknown, name: string): Tensor {
  const v = typeof params === "object" && params !== null
    ? (params as Record<string, unknown>)[name]
    : undefined;
  if (!(v instanceof Tensor)) {
    throw new TypeError(
      `${op}: params.${name} must be a Tensor (pass the params from init), but got ${
        v === undefined ? "undefined" : show(v)
      }`,
    );
  }
  return v;
}

/** The mode of `ctx`, checked. */
export function modeOf(op: string, ctx: Ctx<unknown> | undefined): Mode {
  const mode = ctx?.mode ?? "eval";
  if (mode !== "train" && mode !== "eval") {
    throw new TypeError(`${op}: ctx.mode must be "train" or "eval", but got ${show(mode)}`);
  }
  return mode;
}

/** `n` keys from `ctx.key` (one per sublayer), or `undefined` without a key. */
export function splitKey(key: Key | undefined, n: number): (Key | undefined)[] {
  return key === undefined || n === 0 ? new Array(n).fill(undefined) : split(key, n);
}

/** The dtype and backend of new params, checked. */
export function creation(
  op: string,
  options: InitOptions,
): { dtype: "float32" | "float64"; backend?: Backend } {
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(
      `${op}: options.dtype must be "float32" or "float64", but got ${show(dtype)}`,
    );
  }
  return options.backend === undefined ? { dtype } : { dtype, backend: options.backend };
}

/** The number of elements per example: the size of every axis but the batch axis. */
export function perExample(shape: readonly number[]): number {
  return sizeOf(shape.slice(1));
}

/** A summary row of a primitive layer. */
export function row(
  kind: string,
  outShape: OutShape,
  params: number,
  flops: number,
  receptive?: Receptive,
): LayerInfo {
  const r = { name: kind, kind, outShape, params, flops };
  return receptive === undefined ? r : { ...r, receptive };
}

/** Prefixes the names of a sublayer's rows with its index: `conv2d` becomes `2/conv2d`. */
export function prefixRows(index: number, info: readonly LayerInfo[]): LayerInfo[] {
  return info.map((r) => ({ ...r, name: `${index}/${r.name}` }));
}

/** Checks that every shape in `shapes` is equal, naming the first that differs. */
export function sameShapes(op: string, shapes: readonly (readonly number[])[]): void {
  const first = shapes[0];
  shapes.forEach((s, i) => {
    if (s.length !== first.length || s.some((d, a) => d !== first[a])) {
      throw new TypeError(
        `${op}: all inputs must have the same shape, but input 0 is ${show(first)} and input ${i}` +
          ` is ${show(s)}`,
      );
    }
  });
}

/** Checks the input channels against `options.inChannels`. */
export function checkChannels(op: string, c: number, inChannels: number | undefined): void {
  if (inChannels !== undefined && c !== inChannels) {
    throw new TypeError(
      `${op}: input has ${c} channels but the layer expects ${inChannels} (options.inChannels)`,
    );
  }
}
