/**
 * Param trees: plain nested objects and arrays whose leaves are tensors, like JAX pytrees.
 * Optimizers, checkpoints and summaries work on any model through these few functions.
 *
 * - A node is a {@linkcode Tensor} (a leaf), an array, a plain object (prototype `Object.prototype`
 *   or `null`), or `null`/`undefined` (an empty subtree, kept as it is and holding no leaf).
 *   Anything else (a number, a string, a `Map`, a class instance) is a `TypeError` naming its path.
 * - Order: arrays by index, objects in `Object.keys` order, which is insertion order except that
 *   integer-like keys (`"0"`, `"12"`) come first in ascending order. Keys are never sorted.
 * - Paths: `conv1.w`, `layers[0].b`; a key that is not an identifier is quoted, `blocks["1x1"]`;
 *   the root leaf has the path `""`. Paths are unique within a tree.
 * @module
 */

import { show } from "./errors.ts";
import { Tensor } from "./tensor.ts";

/**
 * A tree with leaves of type `T` (tensors by default): a leaf, an array of trees, an object of
 * trees, or `null`/`undefined` for an empty subtree.
 */
export type Tree<T = Tensor> =
  | T
  | readonly Tree<T>[]
  | { readonly [key: string]: Tree<T> }
  | null
  | undefined;

type Node =
  | { kind: "leaf"; leaf: Tensor }
  | { kind: "array"; items: readonly unknown[] }
  | { kind: "object"; obj: Record<string, unknown>; keys: string[] }
  | { kind: "empty"; value: null | undefined };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The path of child `key` (a string key or an array index) under `path`. */
function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return path === "" ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

function where(path: string): string {
  return path === "" ? "the root" : path;
}

function describe(node: Node): string {
  switch (node.kind) {
    case "leaf":
      return `a Tensor ${show(node.leaf.shape)}`;
    case "array":
      return `an array of length ${node.items.length}`;
    case "object":
      return `an object with keys ${show(node.keys)}`;
    case "empty":
      return String(node.value);
  }
}

function classify(op: string, name: string, value: unknown, path: string): Node {
  if (value instanceof Tensor) return { kind: "leaf", leaf: value };
  if (value === null || value === undefined) return { kind: "empty", value };
  if (Array.isArray(value)) return { kind: "array", items: value };
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      const obj = value as Record<string, unknown>;
      return { kind: "object", obj, keys: Object.keys(obj) };
    }
  }
  const got = typeof value === "object" ? `a ${value.constructor?.name ?? "object"}` : show(value);
  throw new TypeError(
    `${op}: ${name} at ${where(path)} must be a Tensor, an array, a plain object, null or ` +
      `undefined, but got ${got}`,
  );
}

/**
 * Walks `trees` (one or more) in parallel, checking that they have one structure, and rebuilds
 * the first one's structure with `leafFn` applied to each tuple of leaves.
 */
function zipMap(
  op: string,
  names: readonly string[],
  trees: readonly unknown[],
  leafFn: (leaves: Tensor[], path: string) => Tensor,
): unknown {
  const ancestors = new Set<unknown>();
  const go = (values: readonly unknown[], path: string): unknown => {
    const nodes = values.map((v, t) => classify(op, names[t], v, path));
    const first = nodes[0];
    for (let t = 1; t < nodes.length; t++) {
      const n = nodes[t];
      const same = n.kind === first.kind && (
        (n.kind === "array" && n.items.length === (first as typeof n).items.length) ||
        (n.kind === "empty" && n.value === (first as typeof n).value) ||
        n.kind === "leaf" || n.kind === "object"
      );
      if (!same) {
        throw new TypeError(
          `${op}: the trees differ at ${where(path)}: ${names[0]} has ${describe(first)}, but ` +
            `${names[t]} has ${describe(n)}`,
        );
      }
      if (n.kind === "object" && first.kind === "object") {
        const missing = first.keys.find((k) => !Object.hasOwn(n.obj, k));
        const extra = n.keys.find((k) => !Object.hasOwn(first.obj, k));
        if (missing !== undefined || extra !== undefined) {
          const [key, has, lacks] = missing !== undefined
            ? [missing, names[0], names[t]]
            : [extra!, names[t], names[0]];
          throw new TypeError(
            `${op}: the trees differ at ${where(path)}: ${has} has the key ${
              JSON.stringify(key)
            } (path ${childPath(path, key)}), but ${lacks} does not`,
          );
        }
      }
    }
    if (first.kind === "leaf") return leafFn(nodes.map((n) => (n as typeof first).leaf), path);
    if (first.kind === "empty") return first.value;
    if (ancestors.has(values[0])) {
      throw new TypeError(`${op}: ${names[0]} contains a cycle at ${where(path)}`);
    }
    ancestors.add(values[0]);
    let out: unknown;
    if (first.kind === "array") {
      out = first.items.map((_, i) =>
        go(values.map((v) => (v as unknown[])[i]), childPath(path, i))
      );
    } else {
      const obj: Record<string, unknown> = {};
      for (const k of first.keys) {
        obj[k] = go(values.map((v) => (v as Record<string, unknown>)[k]), childPath(path, k));
      }
      out = obj;
    }
    ancestors.delete(values[0]);
    return out;
  };
  return go(trees, "");
}

/** Calls `fn` on every leaf of `tree` in order; validates the tree. */
function forEachLeaf(
  op: string,
  tree: unknown,
  fn: (leaf: Tensor, path: string) => void,
  name = "tree",
): void {
  zipMap(op, [name], [tree], ([leaf], path) => {
    fn(leaf, path);
    return leaf;
  });
}

/**
 * A tree of the same structure with `fn(leaf, path)` in place of every leaf. `null` and
 * `undefined` subtrees are kept. Containers are new; the input is not changed.
 *
 * @example
 * ```ts
 * import { ones, treeMap, zeros } from "@convkit/convkit";
 * const params = { conv1: { w: ones([3, 3, 1, 8]), b: ones([8]) } };
 * const zeroed = treeMap(params, (leaf) => zeros(leaf.shape)); // same structure, all zeros
 * ```
 */
export function treeMap<T extends Tree>(tree: T, fn: (leaf: Tensor, path: string) => Tensor): T {
  return zipMap("treeMap", ["tree"], [tree], ([leaf], path) => fn(leaf, path)) as T;
}

/**
 * Maps two trees of the same structure leaf by leaf: the result has `a`'s structure with
 * `fn(x, y, path)` for the leaves `x` of `a` and `y` of `b` at each path. Throws a `TypeError`
 * naming the path where the structures differ (a missing key, another array length, a leaf
 * against a subtree). Leaf shapes are not compared.
 *
 * @example
 * ```ts
 * import { ones, sub, treeMap2 } from "@convkit/convkit";
 * const params = { w: ones([2]), b: ones([1]) };
 * const grads = { w: ones([2]), b: ones([1]) };
 * const next = treeMap2(params, grads, (p, g) => sub(p, g)); // { w: [0, 0], b: [0] }
 * ```
 */
export function treeMap2<T extends Tree>(
  a: T,
  b: Tree,
  fn: (x: Tensor, y: Tensor, path: string) => Tensor,
): T {
  return zipMap("treeMap2", ["a", "b"], [a, b], ([x, y], path) => fn(x, y, path)) as T;
}

/**
 * The pairs of leaves of two trees of the same structure, in order, as `[x, y, path]`. Throws
 * like {@linkcode treeMap2} when the structures differ.
 *
 * @example
 * ```ts
 * import { ones, treeZip, zeros } from "@convkit/convkit";
 * const [[x, y, path]] = treeZip({ w: ones([2]) }, { w: zeros([2]) });
 * path; // "w" (x is the ones, y the zeros)
 * ```
 */
export function treeZip(a: Tree, b: Tree): [Tensor, Tensor, string][] {
  const out: [Tensor, Tensor, string][] = [];
  zipMap("treeZip", ["a", "b"], [a, b], ([x, y], path) => {
    out.push([x, y, path]);
    return x;
  });
  return out;
}

/**
 * The leaves of `tree` in order (arrays by index, objects in `Object.keys` order).
 *
 * @example
 * ```ts
 * import { ones, treeLeaves } from "@convkit/convkit";
 * treeLeaves({ w: ones([2, 2]), layers: [ones([1]), null] }).length; // 2
 * ```
 */
export function treeLeaves(tree: Tree): Tensor[] {
  const leaves: Tensor[] = [];
  forEachLeaf("treeLeaves", tree, (leaf) => leaves.push(leaf));
  return leaves;
}

/**
 * The leaves of `tree` in order with their paths. `treeUnflatten(tree, leaves)` rebuilds a tree
 * of the same structure.
 *
 * @example
 * ```ts
 * import { ones, treeFlatten } from "@convkit/convkit";
 * treeFlatten({ conv1: { w: ones([1]) }, layers: [{ b: ones([1]) }] }).paths;
 * // ["conv1.w", "layers[0].b"]
 * ```
 */
export function treeFlatten(tree: Tree): { paths: string[]; leaves: Tensor[] } {
  const paths: string[] = [];
  const leaves: Tensor[] = [];
  forEachLeaf("treeFlatten", tree, (leaf, path) => {
    paths.push(path);
    leaves.push(leaf);
  });
  return { paths, leaves };
}

/**
 * A tree with the structure of `structure` whose leaves are `leaves`, taken in order (the order
 * of {@linkcode treeLeaves}). Throws a `TypeError` when the number of leaves differs or an entry
 * of `leaves` is not a Tensor.
 *
 * @example
 * ```ts
 * import { ones, treeLeaves, treeUnflatten, zeros } from "@convkit/convkit";
 * const params = { w: ones([2]), b: ones([1]) };
 * const zeroed = treeUnflatten(params, treeLeaves(params).map((l) => zeros(l.shape)));
 * ```
 */
export function treeUnflatten<T extends Tree>(structure: T, leaves: readonly Tensor[]): T {
  const op = "treeUnflatten";
  if (!Array.isArray(leaves)) {
    throw new TypeError(`${op}: leaves must be an array of Tensors, but got ${show(leaves)}`);
  }
  let count = 0;
  forEachLeaf(op, structure, () => count++, "structure");
  if (leaves.length !== count) {
    throw new TypeError(
      `${op}: leaves must hold ${count} Tensors (one per leaf of structure), but has ` +
        `${leaves.length}`,
    );
  }
  let next = 0;
  return zipMap(op, ["structure"], [structure], (_, path) => {
    const leaf: unknown = leaves[next];
    if (!(leaf instanceof Tensor)) {
      throw new TypeError(
        `${op}: leaves[${next}] (for ${where(path)}) must be a Tensor, but got ${show(leaf)}`,
      );
    }
    next++;
    return leaf;
  }) as T;
}

/**
 * The leaves of `tree` keyed by path, in order: the flat form for checkpoint files.
 *
 * @example
 * ```ts
 * import { ones, treeToRecord } from "@convkit/convkit";
 * Object.keys(treeToRecord({ layers: [{ w: ones([1]) }] })); // ["layers[0].w"]
 * ```
 */
export function treeToRecord(tree: Tree): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  forEachLeaf("treeToRecord", tree, (leaf, path) => {
    out[path] = leaf;
  });
  return out;
}

/**
 * The total number of elements over all leaves (the parameter count of a model).
 *
 * @example
 * ```ts
 * import { ones, treeSize } from "@convkit/convkit";
 * treeSize({ w: ones([3, 3, 1, 8]), b: ones([8]) }); // 80
 * ```
 */
export function treeSize(tree: Tree): number {
  let size = 0;
  forEachLeaf("treeSize", tree, (leaf) => {
    size += leaf.size;
  });
  return size;
}

/**
 * True when `a` and `b` have the same structure: the same keys, array lengths and leaf positions,
 * and `null`/`undefined` in the same places. Leaf shapes and dtypes are not compared. Throws a
 * `TypeError` when either is not a valid tree.
 *
 * @example
 * ```ts
 * import { ones, treeStructureEquals } from "@convkit/convkit";
 * treeStructureEquals({ w: ones([2]) }, { w: ones([5]) }); // true
 * treeStructureEquals({ w: ones([2]) }, { v: ones([2]) }); // false
 * ```
 */
export function treeStructureEquals(a: Tree, b: Tree): boolean {
  // Validate both on their own first, so that an invalid tree throws instead of reading as false.
  forEachLeaf("treeStructureEquals", a, () => {}, "a");
  forEachLeaf("treeStructureEquals", b, () => {}, "b");
  try {
    zipMap("treeStructureEquals", ["a", "b"], [a, b], ([x]) => x);
    return true;
  } catch (e) {
    if (e instanceof TypeError) return false;
    throw e;
  }
}
