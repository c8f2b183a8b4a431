/**
 * The default backend for creating tensors. Ops always run on the backend of their inputs; the
 * default only decides where new tensors go when a creation function is given no `backend`.
 * @module
 */

import type { Backend } from "./primitives.ts";

let current: Backend | undefined;

/**
 * Sets the backend that creation functions use when given no `backend` option.
 *
 * @example
 * ```ts
 * import { getDefaultBackend, setDefaultBackend } from "@convkit/convkit";
 * import { scalarBackend } from "@convkit/convkit/backends/scalar";
 * setDefaultBackend(scalarBackend);
 * getDefaultBackend().name; // "scalar"
 * ```
 */
export function setDefaultBackend(backend: Backend): void {
  if (!backend || typeof backend !== "object" || typeof backend.kernels !== "object") {
    throw new TypeError(
      `setDefaultBackend: backend must be a Backend object, but got ${String(backend)}`,
    );
  }
  current = backend;
}

/**
 * The backend creation functions use by default. The package's main module (`mod.ts`) sets the
 * scalar backend when nothing else was chosen; importing only `core` leaves it unset, and this
 * throws a clear error.
 */
export function getDefaultBackend(): Backend {
  if (current === undefined) {
    throw new TypeError(
      "convkit: no default backend is set; import the package's mod.ts, call " +
        "setDefaultBackend(), or pass { backend } when creating tensors",
    );
  }
  return current;
}

/** True when a default backend has been set. */
export function hasDefaultBackend(): boolean {
  return current !== undefined;
}
