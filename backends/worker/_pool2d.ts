/**
 * Pooling primitives, tiled by rows: `pool2d` by output rows; the two VJPs by rows of the input
 * gradient, each tile visiting the windows that reach its rows and adding only into them, in
 * window order (so overlapping windows add up exactly as in one pass). Channels stay innermost,
 * on contiguous NHWC memory. Works for every dtype.
 * @module
 */

import type { Helpers } from "./_helpers.ts";
import { makeJob, type PlanCfg, type PlanIn, tiles } from "./_plan.ts";
import type { Job, TileCtx, TileEnv, Tiles } from "./_types.ts";
import type { OutInfo, Pool2dGeometry } from "../../core/primitives.ts";

type Arr = Float32Array | Float64Array | Int32Array;

/** The pooling tile functions. Self-contained: copied into the worker source. */
export function pool2dTiles(env: TileEnv, hp: Helpers): Tiles {
  const input = (job: Job, i: number): Arr => env.view(job.dt[i], job.ins[i], job.sizes[i]);
  const output = (job: Job): Arr => {
    const n = job.ins.length;
    return env.view(job.dt[n], job.out, job.sizes[n]);
  };
  interface Win {
    rs: number[];
    re: number[];
    rp: number[];
    cs: number[];
    ce: number[];
    cp: number[];
  }
  /** The column windows as int32 pairs in scratch, for the SIMD kernels (once per job). */
  const columns = (job: Job, ctx: TileCtx): number => {
    if (ctx.state.xs === undefined) {
      const { cs, ce } = job.p.win as Win;
      const i32 = env.mem().i32, at = ctx.scratch >> 2;
      for (let j = 0; j < cs.length; j++) {
        i32[at + 2 * j] = cs[j];
        i32[at + 2 * j + 1] = ce[j];
      }
      ctx.state.xs = ctx.scratch;
    }
    return ctx.scratch;
  };
  const simd = (job: Job): boolean =>
    env.wasm !== null && job.p.op === "max" && job.dt[0] === "float32";

  return {
    pool2d(job, t, ctx) {
      if (simd(job)) {
        const [, h, w, c] = job.p.x as number[], oh = job.p.oh as number, ow = job.p.ow as number;
        const { rs, re } = job.p.win as Win;
        const xs = columns(job, ctx), row = env.wasm!.maxpoolRow;
        const per = ow * c;
        for (let u = job.starts[t] / per; u < job.starts[t + 1] / per; u++) {
          const b = Math.floor(u / oh), i = u - b * oh;
          const src = job.ins[0] + b * h * w * c * 4;
          row(job.out + u * per * 4, src, ow, c, rs[i], re[i], xs, w * c * 4);
        }
        return;
      }
      const data = input(job, 0), res = output(job);
      const p = job.p as Record<string, unknown>;
      const [, h, w, c] = p.x as number[], oh = p.oh as number, ow = p.ow as number;
      const { rs, re, rp, cs, ce, cp } = p.win as Win;
      const isMax = p.op === "max", countPadded = p.countPadded as boolean;
      const per = ow * c;
      if (per === 0) return;
      const buf = hp.f64Scratch(c, 0);
      for (let u = job.starts[t] / per; u < job.starts[t + 1] / per; u++) {
        const b = Math.floor(u / oh), i = u - b * oh;
        const y0 = rs[i], y1 = re[i];
        for (let j = 0; j < ow; j++) {
          const x0 = cs[j], x1 = ce[j], o = (u * ow + j) * c;
          if (y0 >= y1 || x0 >= x1) {
            for (let ch = 0; ch < c; ch++) res[o + ch] = 0;
            continue;
          }
          const first = ((b * h + y0) * w + x0) * c;
          for (let ch = 0; ch < c; ch++) buf[ch] = isMax ? data[first + ch] : 0;
          for (let y = y0; y < y1; y++) {
            for (let xx = x0; xx < x1; xx++) {
              const src = ((b * h + y) * w + xx) * c;
              if (isMax) {
                for (let ch = 0; ch < c; ch++) {
                  const v = data[src + ch];
                  if (v > buf[ch]) buf[ch] = v;
                }
              } else {
                for (let ch = 0; ch < c; ch++) buf[ch] += data[src + ch];
              }
            }
          }
          if (isMax) {
            for (let ch = 0; ch < c; ch++) res[o + ch] = buf[ch];
          } else {
            const count = countPadded ? rp[i] * cp[j] : (y1 - y0) * (x1 - x0);
            for (let ch = 0; ch < c; ch++) res[o + ch] = buf[ch] / count;
          }
        }
      }
    },
    poolBackward(job, t, ctx) {
      const isMax = job.p.op === "max";
      if (simd(job)) {
        const [, h, w, c] = job.p.x as number[], oh = job.p.oh as number, ow = job.p.ow as number;
        const { rs, re } = job.p.win as Win;
        const xs = columns(job, ctx), back = env.wasm!.maxpoolBackRow;
        const per = w * c, u0 = job.starts[t] / per, u1 = job.starts[t + 1] / per;
        env.mem().f32.fill(0, (job.out >> 2) + u0 * per, (job.out >> 2) + u1 * per);
        for (let b = Math.floor(u0 / h); b * h < u1; b++) {
          const ya = Math.max(0, u0 - b * h), yb = Math.min(h, u1 - b * h);
          const img = b * h * w * c * 4;
          for (let i = 0; i < oh; i++) {
            if (re[i] <= ya || rs[i] >= yb) continue;
            const dy = job.ins[1] + (b * oh + i) * ow * c * 4;
            const x = job.ins[0] + img;
            back(
              job.out + img,
              ya * per * 4,
              yb * per * 4,
              x,
              dy,
              ow,
              c,
              rs[i],
              re[i],
              xs,
              per * 4,
            );
          }
        }
        return;
      }
      const data = isMax ? input(job, 0) : undefined;
      const g = input(job, isMax ? 1 : 0), res = output(job);
      const p = job.p as Record<string, unknown>;
      const [, h, w, c] = p.x as number[], oh = p.oh as number, ow = p.ow as number;
      const { rs, re, rp, cs, ce, cp } = p.win as Win;
      const countPadded = p.countPadded as boolean;
      const per = w * c;
      if (per === 0) return;
      const best = hp.f64Scratch(c, 1);
      const winner = new Int32Array(c);
      const share = hp.f64Scratch(c, 2);
      // The tile covers input rows [u0, u1) of the flattened (b, y) rows; split it by image.
      const u0 = job.starts[t] / per, u1 = job.starts[t + 1] / per;
      const acc = hp.f64Scratch((u1 - u0) * per, 0);
      const lo = u0 * per, hi = u1 * per;
      for (let b = Math.floor(u0 / h); b * h < u1; b++) {
        const ya = Math.max(0, u0 - b * h), yb = Math.min(h, u1 - b * h);
        for (let i = 0; i < oh; i++) {
          const y0 = rs[i], y1 = re[i];
          if (y1 <= ya || y0 >= yb || y0 >= y1) continue;
          for (let j = 0; j < ow; j++) {
            const x0 = cs[j], x1 = ce[j];
            if (x0 >= x1) continue;
            const o = ((b * oh + i) * ow + j) * c;
            if (data !== undefined) {
              const first = ((b * h + y0) * w + x0) * c;
              for (let ch = 0; ch < c; ch++) {
                best[ch] = data[first + ch];
                winner[ch] = first + ch;
              }
              for (let y = y0; y < y1; y++) {
                for (let xx = x0; xx < x1; xx++) {
                  const src = ((b * h + y) * w + xx) * c;
                  for (let ch = 0; ch < c; ch++) {
                    if (data[src + ch] > best[ch]) {
                      best[ch] = data[src + ch];
                      winner[ch] = src + ch;
                    }
                  }
                }
              }
              for (let ch = 0; ch < c; ch++) {
                const at = winner[ch];
                if (at >= lo && at < hi) acc[at - lo] += g[o + ch];
              }
            } else {
              const count = countPadded ? rp[i] * cp[j] : (y1 - y0) * (x1 - x0);
              for (let ch = 0; ch < c; ch++) share[ch] = g[o + ch] / count;
              for (let y = Math.max(y0, ya); y < Math.min(y1, yb); y++) {
                for (let xx = x0; xx < x1; xx++) {
                  const dst = ((b * h + y) * w + xx) * c - lo;
                  for (let ch = 0; ch < c; ch++) acc[dst + ch] += share[ch];
                }
              }
            }
          }
        }
      }
      for (let k = 0; k < hi - lo; k++) res[lo + k] = acc[k];
    },
  };
}

/** The windows along one axis: real cells `[start, end)` and the padded-window size. */
function windows(
  size: number,
  k: number,
  stride: number,
  pads: readonly [number, number],
  n: number,
) {
  const start: number[] = [], end: number[] = [], padded: number[] = [];
  for (let i = 0; i < n; i++) {
    const lo = i * stride - pads[0], hi = lo + k;
    start.push(Math.max(0, lo));
    end.push(Math.min(size, hi));
    padded.push(Math.min(size + pads[1], hi) - Math.max(-pads[0], lo));
  }
  return { start, end, padded };
}

function params(g: Pool2dGeometry, x: readonly number[], oh: number, ow: number) {
  const r = windows(x[1], g.window[0], g.stride[0], g.padding[0], oh);
  const c = windows(x[2], g.window[1], g.stride[1], g.padding[1], ow);
  const win = { rs: r.start, re: r.end, rp: r.padded, cs: c.start, ce: c.end, cp: c.padded };
  return { x: [...x], oh, ow, win };
}

/** Plans `pool2d`: tiles of output rows. */
export function planPool2d(
  [x]: readonly PlanIn[],
  attrs: Pool2dGeometry & { readonly op: "max" | "avg"; readonly countPadded: boolean },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const [n, oh, ow, c] = out.shape;
  const unitWork = ow * c * attrs.window[0] * attrs.window[1];
  const p = { ...params(attrs, x.shape, oh, ow), op: attrs.op, countPadded: attrs.countPadded };
  return makeJob(
    "pool2d",
    "pool2d",
    [x],
    out,
    p,
    tiles(cfg, n * oh, ow * c, unitWork),
    n * oh * unitWork,
    ow * 8 + 64,
  );
}

/** Plans the pooling VJPs: tiles of input-gradient rows. */
export function planPoolBackward(
  prim: "maxPool2dBackward" | "avgPool2dBackward",
  ins: readonly PlanIn[],
  attrs: Pool2dGeometry & { readonly countPadded?: boolean },
  out: OutInfo,
  cfg: PlanCfg,
): Job {
  const dy = ins[ins.length - 1];
  const [n, h, w, c] = out.shape;
  const [, oh, ow] = dy.shape;
  const op = prim === "maxPool2dBackward" ? "max" : "avg";
  const p = { ...params(attrs, out.shape, oh, ow), op, countPadded: attrs.countPadded ?? false };
  const work = n * oh * ow * c * attrs.window[0] * attrs.window[1];
  return makeJob(
    "poolBackward",
    prim,
    ins,
    out,
    p,
    tiles(cfg, n * h, w * c, work / Math.max(1, n * h)),
    work,
    ow * 8 + 64,
  );
}
