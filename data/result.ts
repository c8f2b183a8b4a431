/**
 * A tiny `Result` type for parsers of untrusted input (IDX files, safetensors files): either a
 * `Left` holding an error or a `Right` holding a value. It has exactly the shape of fp-ts's
 * `Either` (`{ _tag: "Left", left }` or `{ _tag: "Right", right }`), so fp-ts functions such as
 * `Either.map` or `Either.fold` accept it unchanged; it is our own type so that the public API
 * does not depend on fp-ts's types.
 * @module
 */

/** The failure case of a {@linkcode Result}: holds the error `left`. */
export interface Left<E> {
  /** Tags the failure case. */
  readonly _tag: "Left";
  /** The error. */
  readonly left: E;
}

/** The success case of a {@linkcode Result}: holds the value `right`. */
export interface Right<A> {
  /** Tags the success case. */
  readonly _tag: "Right";
  /** The value. */
  readonly right: A;
}

/**
 * Either an error of type `E` (a {@linkcode Left}) or a value of type `A` (a {@linkcode Right}),
 * shaped like fp-ts's `Either<E, A>`.
 */
export type Result<E, A> = Left<E> | Right<A>;

/**
 * A failed {@linkcode Result} holding `error`.
 *
 * @example
 * ```ts
 * import { isLeft, left } from "@convkit/convkit/data";
 * isLeft(left(new Error("bad magic"))); // true
 * ```
 */
export function left<E, A = never>(error: E): Result<E, A> {
  return { _tag: "Left", left: error };
}

/**
 * A successful {@linkcode Result} holding `value`.
 *
 * @example
 * ```ts
 * import { right } from "@convkit/convkit/data";
 * right(42); // { _tag: "Right", right: 42 }
 * ```
 */
export function right<A, E = never>(value: A): Result<E, A> {
  return { _tag: "Right", right: value };
}

/**
 * True when `result` is a failure (narrows it to {@linkcode Left}).
 *
 * @example
 * ```ts
 * import { isLeft, right } from "@convkit/convkit/data";
 * isLeft(right(1)); // false
 * ```
 */
export function isLeft<E, A>(result: Result<E, A>): result is Left<E> {
  return result._tag === "Left";
}

/**
 * True when `result` is a success (narrows it to {@linkcode Right}).
 *
 * @example
 * ```ts
 * import { isRight, right } from "@convkit/convkit/data";
 * isRight(right(1)); // true
 * ```
 */
export function isRight<E, A>(result: Result<E, A>): result is Right<A> {
  return result._tag === "Right";
}

/**
 * The value of a successful `result`; throws the error of a failed one (the readers in this
 * package put `Error` objects in their `Left`s, so the thrown error keeps its class and message).
 *
 * @example
 * ```ts
 * import { getOrThrow, right } from "@convkit/convkit/data";
 * getOrThrow(right(3)); // 3
 * ```
 */
export function getOrThrow<E, A>(result: Result<E, A>): A {
  if (result._tag === "Right") return result.right;
  throw result.left;
}
