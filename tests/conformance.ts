/**
 * The backend conformance suite: one `Deno.test` per primitive (with a step per dtype) comparing
 * a backend's kernels with the direct-loop float64 reference in `tests/reference.ts` on shapes,
 * attributes and values drawn by fast-check, plus example tests pinning the conventions at ties
 * and kinks. Dtypes a backend does not declare in `backend.dtypes` are skipped; nothing is skipped
 * by backend name.
 *
 * A backend's test file is three lines:
 * ```ts ignore
 * import { conformance } from "../../tests/conformance.ts";
 * import { scalarBackend } from "./mod.ts";
 * conformance(scalarBackend);
 * ```
 * @module
 */

import { DTYPES } from "../core/dtype.ts";
import { type Backend, PRIMITIVE_NAMES } from "../core/primitives.ts";
import { assertEquals } from "./assert.ts";
import { type ConformanceOptions, fcParams, type Suite } from "./conformance_test_helpers.ts";
import { registerConv } from "./_conformance_conv.ts";
import { registerConventions } from "./_conformance_conventions.ts";
import { registerElementwise } from "./_conformance_elementwise.ts";
import { registerLayout } from "./_conformance_layout.ts";
import { registerPool } from "./_conformance_pool.ts";
import { registerReduce } from "./_conformance_reduce.ts";

export type { ConformanceOptions };

/**
 * Registers the conformance tests of `backend` with `Deno.test`.
 *
 * `options.dtypes` narrows the dtypes tested (default: all; those outside `backend.dtypes` are
 * always skipped) and `options.numRuns` sets the fast-check runs per primitive and dtype
 * (default 25; `FC_RUNS` overrides it, `FC_SEED` replays a seed).
 */
export function conformance<H>(backend: Backend<H>, options: ConformanceOptions = {}): void {
  const wanted = options.dtypes ?? DTYPES;
  const suite: Suite<H> = {
    backend,
    dtypes: wanted.filter((d) => backend.dtypes.includes(d)),
    params: fcParams(options.numRuns ?? 25),
  };

  Deno.test(`${backend.name} backend: exports a kernel for every primitive`, () => {
    const kernels: Record<string, unknown> = backend.kernels;
    const missing = PRIMITIVE_NAMES.filter((p) => typeof kernels[p] !== "function");
    assertEquals(missing, [], `${backend.name} backend lacks kernels`);
  });

  registerElementwise(suite);
  registerReduce(suite);
  registerConv(suite);
  registerPool(suite);
  registerLayout(suite);
  registerConventions(suite);
}
