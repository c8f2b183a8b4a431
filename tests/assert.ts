/**
 * In-house assertions with the names and signatures of `@std/assert`, so that switching to the
 * real package later is one import-map line. (JSR is unreachable on our machines.)
 * @module
 */

/** An error thrown by a failed assertion. */
export class AssertionError extends Error {
  /** Creates an assertion error. */
  constructor(message: string) {
    super(message);
    this.name = "AssertionError";
  }
}

function format(value: unknown): string {
  try {
    return Deno.inspect(value, { depth: 8, iterableLimit: 200, strAbbreviateSize: 400 });
  } catch {
    return String(value);
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !equal(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Set && b instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Asserts that `expr` is truthy. */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) throw new AssertionError(msg || "Expected expression to be truthy");
}

/** Asserts deep structural equality (typed arrays compared element by element with `Object.is`). */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (equal(actual, expected)) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Values are not equal.\n  actual:   ${format(actual)}\n  expected: ${
      format(expected)
    }`,
  );
}

/** Asserts that two values are not deeply equal. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!equal(actual, expected)) return;
  throw new AssertionError(`${msg ? msg + ": " : ""}Expected values to differ: ${format(actual)}`);
}

/** Asserts `Object.is(actual, expected)`. */
export function assertStrictEquals<T>(actual: unknown, expected: T, msg?: string): void {
  if (Object.is(actual, expected)) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Values are not strictly equal: ${format(actual)} vs ${
      format(expected)
    }`,
  );
}

/**
 * Asserts `|actual - expected| <= tolerance`. The default tolerance, as in `@std/assert`, is
 * `1e-7` relative to the larger magnitude of the two (with an absolute floor of `1e-7`).
 */
export function assertAlmostEquals(
  actual: number,
  expected: number,
  tolerance?: number,
  msg?: string,
): void {
  if (Object.is(actual, expected)) return;
  const delta = Math.abs(expected - actual);
  const tol = tolerance ?? Math.max(1e-7, 1e-7 * Math.max(Math.abs(actual), Math.abs(expected)));
  if (delta <= tol) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Expected actual: "${actual}" to be close to "${expected}": ` +
      `delta "${delta.toExponential(3)}" is greater than "${tol.toExponential(3)}"`,
  );
}

/** Asserts that `actual` includes every element of `expected` in order... as a substring. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (actual.includes(expected)) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Expected ${format(actual)} to include ${format(expected)}`,
  );
}

/** Asserts that `actual` matches the regular expression. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  if (expected.test(actual)) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Expected ${format(actual)} to match ${expected}`,
  );
}

/** Asserts that `value` is an instance of `type`. */
export function assertInstanceOf<T extends abstract new (...args: never[]) => unknown>(
  value: unknown,
  type: T,
  msg?: string,
): asserts value is InstanceType<T> {
  if (value instanceof type) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Expected object to be an instance of "${type.name}" but was ${
      format(value)
    }`,
  );
}

// deno-lint-ignore no-explicit-any
type ErrorClass<E extends Error> = new (...args: any[]) => E;

function checkError<E extends Error>(
  e: unknown,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): E {
  if (ErrorClass && !(e instanceof ErrorClass)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}Expected error to be instance of "${ErrorClass.name}", but was "${
        (e as Error)?.constructor?.name
      }": ${(e as Error)?.message ?? format(e)}`,
    );
  }
  const message = (e as Error)?.message ?? String(e);
  if (msgIncludes !== undefined && !message.includes(msgIncludes)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}Expected error message to include ${format(msgIncludes)}, but got ${
        format(message)
      }`,
    );
  }
  return e as E;
}

/**
 * Asserts that `fn` throws; optionally an instance of `ErrorClass` whose message includes
 * `msgIncludes`. Returns the error.
 */
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): E {
  try {
    fn();
  } catch (e) {
    return checkError(e, ErrorClass, msgIncludes, msg);
  }
  throw new AssertionError(`${msg ? msg + ": " : ""}Expected function to throw.`);
}

/** Asserts that the promise returned by `fn` rejects, like `assertThrows`. */
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass?: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    return checkError(e, ErrorClass, msgIncludes, msg);
  }
  throw new AssertionError(`${msg ? msg + ": " : ""}Expected function to reject.`);
}
