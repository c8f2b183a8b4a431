/**
 * Command-line helpers shared by the examples: number options with clear errors, and the
 * backend choice (`--backend auto` picks the fastest one this runtime has).
 * @module
 */

import { type Backend, getDefaultBackend, hasDefaultBackend, setDefaultBackend } from "../mod.ts";
import { createBackend } from "./mnist.ts";

/** Parses a number option: `undefined` gives `fallback`; anything else must be a number >= min. */
export function numberOption(
  example: string,
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(v) || v < min) {
    throw new RangeError(`${example}: --${name} must be a number >= ${min}, but got "${raw}"`);
  }
  return v;
}

/** Parses an integer option, as {@linkcode numberOption}. */
export function intOption(
  example: string,
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
): number {
  const v = numberOption(example, name, raw, fallback, min);
  if (!Number.isInteger(v)) {
    throw new RangeError(`${example}: --${name} must be an integer, but got "${raw}"`);
  }
  return v;
}

/** The backend names the examples accept. */
export const BACKEND_NAMES: readonly string[] = ["auto", "scalar", "worker", "webgpu"];

/** Checks a `--backend` value. */
export function backendOption(example: string, raw: string | undefined, fallback: string): string {
  const name = raw ?? fallback;
  if (!BACKEND_NAMES.includes(name)) {
    throw new RangeError(
      `${example}: --backend must be one of ${BACKEND_NAMES.join(", ")}, but got "${name}"`,
    );
  }
  return name;
}

/** A backend chosen for an example, and why. */
export interface ChosenBackend {
  /** The backend (close it when done, if it has `close`). */
  readonly backend: Backend & { close?: () => void };
  /** Why this one. */
  readonly reason: string;
}

async function hasRealGpu(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as { gpu?: GPU } | undefined)?.gpu;
  if (gpu === undefined) return undefined;
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
    if (adapter === null) return undefined;
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const fallback = info.isFallbackAdapter ??
      (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
    return fallback ? undefined : (info.description || info.vendor || "a GPU");
  } catch {
    return undefined;
  }
}

/**
 * Creates the backend named `name`. `"auto"` takes the fastest this runtime has: WebGPU on a real
 * (not software) GPU adapter, else the multi-threaded worker backend, else the scalar one; a
 * backend that fails to load is skipped with its reason.
 */
export async function chooseBackend(name: string): Promise<ChosenBackend> {
  if (name !== "auto") return { backend: await createBackend(name), reason: "asked for" };
  const skipped: string[] = [];
  const gpu = await hasRealGpu();
  if (gpu !== undefined) {
    try {
      return { backend: await createBackend("webgpu"), reason: `a GPU adapter: ${gpu}` };
    } catch (e) {
      skipped.push(`webgpu: ${e instanceof Error ? e.message : String(e)}`);
    }
  } else {
    skipped.push("webgpu: no hardware GPU adapter");
  }
  try {
    return {
      backend: await createBackend("worker"),
      reason: `all CPU cores; ${skipped[0]}`,
    };
  } catch (e) {
    skipped.push(`worker: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
  }
  return {
    backend: await createBackend("scalar"),
    reason: `the only one available (${skipped.join("; ")})`,
  };
}

/**
 * Runs `fn` with the backend named `name` (see {@linkcode chooseBackend}) as the default
 * backend, then closes it and restores the previous default.
 */
export async function withBackend<T>(
  name: string,
  fn: (chosen: ChosenBackend) => Promise<T>,
): Promise<T> {
  const previous = hasDefaultBackend() ? getDefaultBackend() : undefined;
  const chosen = await chooseBackend(name);
  setDefaultBackend(chosen.backend);
  try {
    return await fn(chosen);
  } finally {
    chosen.backend.close?.();
    if (previous !== undefined) setDefaultBackend(previous);
  }
}
