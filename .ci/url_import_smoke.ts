/**
 * CI's URL-import proof: imports convkit the way a user without our deno.json would, from
 * `http://127.0.0.1:PORT/mod.ts`, and runs a tiny forward and backward pass. `.ci/run` copies this
 * file to a scratch folder and runs it with `--no-config --no-lock --allow-import=127.0.0.1:PORT`,
 * so no import map can help. Exits 1 on any mismatch, printing every check.
 *
 * Usage: `deno run --no-config --no-lock --allow-import=127.0.0.1:PORT url_import_smoke.ts PORT`.
 * @module
 */

/** The little of a convkit tensor this script touches. */
interface Tensor {
  readonly shape: readonly number[];
  readonly dtype: string;
  data(): Promise<ArrayLike<number>>;
}

type Vjp = (dy: Tensor) => Tensor | readonly (Tensor | null | undefined)[];

/** The little of convkit's public API this script touches. */
interface Convkit {
  tensor(values: unknown, options?: { shape?: number[]; dtype?: string }): Tensor;
  conv2d: ((x: Tensor, w: Tensor, options?: Record<string, unknown>) => Tensor) & {
    vjp(x: Tensor, w: Tensor, options?: Record<string, unknown>): [Tensor, Vjp];
  };
  relu: ((x: Tensor) => Tensor) & { vjp(x: Tensor): [Tensor, Vjp] };
  matmul(a: Tensor, b: Tensor): Tensor;
  sum(x: Tensor): Tensor;
  onesLike(x: Tensor): Tensor;
}

const port = Deno.args[0];
if (port === undefined || !/^\d+$/.test(port)) {
  console.error("usage: url_import_smoke.ts PORT");
  Deno.exit(2);
}
const url = `http://127.0.0.1:${port}/mod.ts`;
const ck: Convkit = await import(url);
console.log(`imported ${url}`);

let failures = 0;

async function expect(what: string, t: Tensor | undefined | null, shape: number[], want: number[]) {
  const got = t === undefined || t === null ? undefined : Array.from(await t.data());
  const ok = got !== undefined && JSON.stringify(t?.shape) === JSON.stringify(shape) &&
    JSON.stringify(got) === JSON.stringify(want);
  if (!ok) failures++;
  const seen = got === undefined ? String(t) : `shape [${t?.shape}] values [${got}]`;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${what}: want shape [${shape}] values [${want}]` +
      (ok ? "" : `, got ${seen}`),
  );
}

/** The first gradient from a vjp that returns either one tensor or a tuple of them. */
function first(g: ReturnType<Vjp>): Tensor | undefined | null {
  return Array.isArray(g) ? g[0] : g as Tensor;
}

// conv2d: a 1x3x3x1 input holding 1..9, a 2x2x1x1 filter of ones, valid padding.
const x = ck.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], { shape: [1, 3, 3, 1] });
const w = ck.tensor([1, 1, 1, 1], { shape: [2, 2, 1, 1] });
const yPlain = ck.conv2d(x, w, { padding: "valid" });
await expect("conv2d(x, w) forward", yPlain, [1, 2, 2, 1], [12, 16, 24, 28]);

// Its VJP with a bias of 1 and dy = ones: dx counts the windows covering each input pixel,
// dw[p][q] sums the inputs x[i + p][j + q] under the four outputs, dbias sums dy.
const bias = ck.tensor([1], { shape: [1] });
const [y, convVjp] = ck.conv2d.vjp(x, w, { padding: "valid", bias });
await expect("conv2d.vjp(x, w, { bias }) forward", y, [1, 2, 2, 1], [13, 17, 25, 29]);
const g = convVjp(ck.onesLike(y));
const [dx, dw, db] = Array.isArray(g) ? g : [g];
await expect("conv2d vjp dx", dx, [1, 3, 3, 1], [1, 2, 1, 2, 4, 2, 1, 2, 1]);
await expect("conv2d vjp dw", dw, [2, 2, 1, 1], [12, 16, 24, 28]);
await expect("conv2d vjp dbias", db, [1], [4]);

// A dense step: relu(a @ b), its sum, and relu's VJP (relu'(z) is 1 where z > 0, else 0).
const a = ck.tensor([[1, 2], [3, 4]]);
const b = ck.tensor([[1, -1], [-1, 1]]);
const z = ck.matmul(a, b);
await expect("matmul(a, b)", z, [2, 2], [-1, 1, -1, 1]);
const [h, reluVjp] = ck.relu.vjp(z);
await expect("relu.vjp(z) forward", h, [2, 2], [0, 1, 0, 1]);
await expect("relu(z)", ck.relu(z), [2, 2], [0, 1, 0, 1]);
await expect("sum(relu(z))", ck.sum(h), [], [2]);
await expect("relu vjp dz", first(reluVjp(ck.onesLike(h))), [2, 2], [0, 1, 0, 1]);

console.log(failures === 0 ? "URL-import smoke passed" : `URL-import smoke: ${failures} failed`);
if (failures > 0) Deno.exit(1);
