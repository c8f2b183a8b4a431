/**
 * The planner of every primitive: one table, typed so that a primitive without a planner fails
 * `deno check`.
 * @module
 */

import type { DType } from "../../core/dtype.ts";
import type { OutInfo, PrimitiveName, Primitives } from "../../core/primitives.ts";
import { planCol2im, planConv2d, planConvFilter, planConvInput, planIm2col } from "./_conv.ts";
import { planBinary, planUnary, planWhere } from "./_elementwise.ts";
import {
  planBroadcastTo,
  planCast,
  planConcat,
  planOneHot,
  planPad,
  planSlice,
  planTranspose,
} from "./_layout.ts";
import { planMatmul } from "./_matmul.ts";
import type { PlanCfg, PlanIn } from "./_plan.ts";
import { planPool2d, planPoolBackward } from "./_pool2d.ts";
import { planArgReduce, planReduce } from "./_reduce.ts";
import type { Job } from "./_types.ts";

/** Plans primitive `P`. */
export type Planner<P extends PrimitiveName> = (
  ins: readonly PlanIn[],
  attrs: Primitives[P]["attrs"],
  out: OutInfo,
  cfg: PlanCfg,
) => Job;

/** Every planner. */
export const PLANNERS: { readonly [P in PrimitiveName]: Planner<P> } = {
  unary: planUnary,
  binary: planBinary,
  where: planWhere,
  broadcastTo: planBroadcastTo,
  reduce: planReduce,
  argReduce: planArgReduce,
  matmul: planMatmul,
  conv2d: planConv2d,
  conv2dBackpropInput: planConvInput,
  conv2dBackpropFilter: planConvFilter,
  im2col: planIm2col,
  col2im: planCol2im,
  pool2d: planPool2d,
  maxPool2dBackward: (ins, a, out, cfg) => planPoolBackward("maxPool2dBackward", ins, a, out, cfg),
  avgPool2dBackward: (ins, a, out, cfg) => planPoolBackward("avgPool2dBackward", ins, a, out, cfg),
  transpose: planTranspose,
  slice: planSlice,
  pad: planPad,
  concat: planConcat,
  cast: planCast,
  oneHot: planOneHot,
};

/** Bytes per element. */
export const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };
