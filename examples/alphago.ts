/**
 * The AlphaGo policy network: its summary, then a forward pass on a random Go position, the
 * moves it ranks highest, and the time.
 *
 * ```sh
 * deno task alphago                 # k = 192 filters, as in the paper's match version
 * deno task alphago --filters 32    # a narrower net
 * ```
 *
 * The weights are random: no trained weights ship with convkit (the paper trained on 30 million
 * positions from the KGS server), so the ranking is not Go knowledge; the example shows the
 * shapes, the counts, the softmax over the 361 points and the time. The input planes are a
 * simplified version of the paper's 48: planes 0 to 2 hold the stones (the player's, the
 * opponent's, empty), plane 3 is all ones, plane 44 marks the empty points as legal moves, and the
 * planes the paper computes by rules (liberties, captures, ladders, move history) are zero.
 * @module
 */

import { parseArgs } from "node:util";
import { key, type Tensor, tensor, uniformValues } from "../mod.ts";
import { formatSummary, summary } from "../layers/mod.ts";
import { alphagoPolicy } from "../models/mod.ts";
import { backendOption, intOption, withBackend } from "./_cli.ts";

const HELP = `deno task alphago [options]

Builds the AlphaGo policy network (19x19x48 input; 5x5 conv, 11 3x3 convs, all with k filters
and ReLU; a 1x1 conv with a bias per point; softmax over the 361 points), prints its summary,
and ranks the moves of a random position with random weights, timed.

Options:
  --filters K     filters per hidden layer               (default 192)
  --stones N      stones on the random board             (default 60)
  --top N         how many moves to list                 (default 5)
  --seed N        seed of the weights and the position   (default 0)
  --backend NAME  auto | scalar | worker | webgpu        (default auto: the fastest available)
  --help          this text
`;

/** Go's column letters (no I). */
const COLUMNS = "ABCDEFGHJKLMNOPQRST";

/** The name of point `p` (row-major from the top-left): `"D4"` style, row 19 at the top. */
export function pointName(p: number): string {
  return `${COLUMNS[p % 19]}${19 - Math.floor(p / 19)}`;
}

/**
 * A random position: `stones` stones on distinct points, alternately the player's (1) and the
 * opponent's (2); 0 is empty. Returns the board (361 points) and its 48 input planes
 * `[19, 19, 48]`, as this module's documentation describes.
 */
export function randomPosition(
  seed: number,
  stones: number,
): { board: Int8Array; planes: Float32Array } {
  const board = new Int8Array(361);
  const u = uniformValues(key(seed), 361);
  const order = Array.from({ length: 361 }, (_, i) => i).sort((a, b) => u[a] - u[b]);
  order.slice(0, stones).forEach((p, i) => (board[p] = i % 2 === 0 ? 1 : 2));
  const planes = new Float32Array(361 * 48);
  for (let p = 0; p < 361; p++) {
    const s = board[p];
    planes[p * 48 + (s === 1 ? 0 : s === 2 ? 1 : 2)] = 1;
    planes[p * 48 + 3] = 1;
    if (s === 0) planes[p * 48 + 44] = 1;
  }
  return { board, planes };
}

function drawBoard(board: Int8Array, marks: Map<number, string>): string {
  const lines = [`   ${[...COLUMNS].join(" ")}`];
  for (let r = 0; r < 19; r++) {
    const row: string[] = [];
    for (let c = 0; c < 19; c++) {
      const p = r * 19 + c;
      row.push(marks.get(p) ?? (board[p] === 1 ? "X" : board[p] === 2 ? "O" : "."));
    }
    lines.push(`${String(19 - r).padStart(2)} ${row.join(" ")}`);
  }
  return lines.join("\n");
}

/** What {@linkcode main} computed. */
export interface AlphagoResult {
  /** The number of parameters. */
  readonly params: number;
  /** The probabilities of the 361 points. */
  readonly probabilities: Float32Array;
  /** The highest-ranked empty points, best first. */
  readonly top: number[];
  /** Milliseconds of the forward pass. */
  readonly forwardMs: number;
  /** The backend used. */
  readonly backend: string;
}

/** Runs the example with command-line `args`; undefined after `--help`. */
export async function main(args: readonly string[]): Promise<AlphagoResult | undefined> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      filters: { type: "string" },
      stones: { type: "string" },
      top: { type: "string" },
      seed: { type: "string" },
      backend: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  const filters = intOption("alphago", "filters", values.filters, 192, 1);
  const stones = intOption("alphago", "stones", values.stones, 60, 0);
  if (stones > 360) {
    throw new RangeError(`alphago: --stones must be at most 360, but got ${stones}`);
  }
  const topN = intOption("alphago", "top", values.top, 5, 1);
  const seed = intOption("alphago", "seed", values.seed, 0, 0);
  const backendName = backendOption("alphago", values.backend, "auto");
  return await withBackend(backendName, async ({ backend, reason }) => {
    const net = alphagoPolicy({ filters });
    const inShape = [-1, 19, 19, 48];
    const s = summary(net, inShape);
    console.log(`AlphaGo policy network, k = ${filters}:\n\n${formatSummary(s)}\n`);
    console.log(`backend: ${backend.name} (${reason})`);
    const { params } = net.init(key(seed), inShape);
    const { board, planes } = randomPosition(seed + 1, stones);
    const x = tensor(planes, { shape: [1, 19, 19, 48] });
    await x.data();
    const t = performance.now();
    const [y] = net.apply(params, x);
    const probabilities = Float32Array.from(await (y as Tensor).data());
    const forwardMs = performance.now() - t;
    const top = Array.from({ length: 361 }, (_, p) => p)
      .filter((p) => board[p] === 0)
      .sort((a, b) => probabilities[b] - probabilities[a])
      .slice(0, topN);
    const total = probabilities.reduce((a, b) => a + b, 0);
    console.log(
      `forward pass: ${forwardMs.toFixed(1)} ms; output [${(y as Tensor).shape.join(", ")}], ` +
        `probabilities sum to ${total.toFixed(6)}\n`,
    );
    const marks = new Map(top.slice(0, 9).map((p, i) => [p, String(i + 1)]));
    console.log(drawBoard(board, marks));
    console.log(`\nX to play (random weights, so the ranking is not Go knowledge). Top moves:`);
    top.forEach((p, i) => {
      console.log(`  ${i + 1}. ${pointName(p).padEnd(3)} p = ${probabilities[p].toPrecision(6)}`);
    });
    return { params: s.totalParams, probabilities, top, forwardMs, backend: backend.name };
  });
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (e) {
    console.error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    Deno.exit(1);
  }
}
