/**
 * VGG-16 on a 224 x 224 x 3 image: the summary table of the course notes (per-layer output
 * shape, parameters, FLOPs and receptive field), then one forward pass on the fastest backend
 * available, timed.
 *
 * ```sh
 * deno task vgg16                                # the real net; the pass takes a while on a CPU
 * deno task vgg16 --size 64 --width-divisor 8    # a narrow, small version: quick
 * ```
 *
 * The weights are random (Glorot-uniform): no pretrained weights ship with convkit, so the
 * class scores mean nothing; the point is the shapes, the counts and the time.
 * @module
 */

import { parseArgs } from "node:util";
import { key, type Tensor, uniform } from "../mod.ts";
import { formatSummary, type Summary, summary, zerosInit } from "../layers/mod.ts";
import { vgg16 } from "../models/mod.ts";
import { backendOption, intOption, withBackend } from "./_cli.ts";

const HELP = `deno task vgg16 [options]

Builds VGG-16 (13 convs 3x3 + ReLU, 5 max-pools 2x2/2, fc6-fc8 as convs; 138,357,544 parameters
at 224 x 224 x 3) and prints its summary, then times one forward pass on random weights.

Options:
  --size N            input height and width, >= 32       (default 224)
  --width-divisor N   divide every layer's channels by N  (default 1: the real VGG-16)
  --batch N           images in the forward pass          (default 1)
  --backend NAME      auto | scalar | worker | webgpu     (default auto: the fastest available)
  --no-forward        print the summary only
  --help              this text
`;

/** MatConvNet's names for the rows of `vgg16()`'s summary, in order. */
export function vggRowNames(dropout: boolean): string[] {
  const names: string[] = [];
  [2, 2, 3, 3, 3].forEach((convs, s) => {
    for (let i = 1; i <= convs; i++) names.push(`conv${s + 1}_${i}`, `relu${s + 1}_${i}`);
    names.push(`pool${s + 1}`);
  });
  names.push("fc6", "relu6", ...(dropout ? ["drop6"] : []));
  names.push("fc7", "relu7", ...(dropout ? ["drop7"] : []));
  names.push("fc8");
  return names;
}

/** What {@linkcode main} measured. */
export interface Vgg16Result {
  /** The summary (rows named as in MatConvNet). */
  readonly summary: Summary;
  /** The backend the pass ran on. */
  readonly backend: string;
  /** Milliseconds to draw the random weights. */
  readonly initMs: number | undefined;
  /** Milliseconds of the forward pass (until the scores were read back). */
  readonly forwardMs: number | undefined;
  /** The shape of the output. */
  readonly outShape: readonly number[] | undefined;
}

/** Runs the example with command-line `args`; undefined after `--help`. */
export async function main(args: readonly string[]): Promise<Vgg16Result | undefined> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      size: { type: "string" },
      "width-divisor": { type: "string" },
      batch: { type: "string" },
      backend: { type: "string" },
      "no-forward": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return undefined;
  }
  const size = intOption("vgg16", "size", values.size, 224, 32);
  const widthDivisor = intOption("vgg16", "width-divisor", values["width-divisor"], 1, 1);
  const batch = intOption("vgg16", "batch", values.batch, 1, 1);
  const backendName = backendOption("vgg16", values.backend, "auto");
  return await withBackend(backendName, async ({ backend, reason }) => {
    const inShape = [-1, size, size, 3];
    // Zero weights for the summary: it needs the shapes, not 138 million random numbers.
    const counted = summary(
      vgg16({ inputSize: size, widthDivisor, kernelInit: zerosInit }),
      inShape,
    );
    const names = vggRowNames(true);
    const named: Summary = {
      ...counted,
      rows: counted.rows.map((r, i) => ({ ...r, name: names[i] })),
    };
    const lastPool = named.rows.find((r) => r.name === "pool5")!;
    console.log(
      `VGG-16${widthDivisor > 1 ? ` (channels / ${widthDivisor})` : ""} for ${size} x ${size} x 3` +
        ` inputs:\n\n${formatSummary(named)}\n\n` +
        `parameters: ${named.totalParams.toLocaleString("en-US")}; ` +
        `GFLOPs per image: ${(named.totalFlops / 1e9).toFixed(2)}; ` +
        `an element of pool5 sees ${lastPool.field.size[0]} x ${lastPool.field.size[1]} pixels`,
    );
    if (values["no-forward"]) {
      return {
        summary: named,
        backend: backend.name,
        initMs: undefined,
        forwardMs: undefined,
        outShape: undefined,
      };
    }
    console.log(`\nbackend: ${backend.name} (${reason})`);
    const net = vgg16({ inputSize: size, widthDivisor });
    let t = performance.now();
    const { params } = net.init(key(0), inShape);
    const initMs = performance.now() - t;
    console.log(`random weights drawn in ${(initMs / 1000).toFixed(2)} s`);
    const x = uniform(key(1), [batch, size, size, 3]);
    await x.data(); // the input is on the backend before the clock starts
    t = performance.now();
    const [y] = net.apply(params, x);
    const scores = await (y as Tensor).data();
    const forwardMs = performance.now() - t;
    const per = forwardMs / batch;
    console.log(
      `forward pass of ${batch} image(s): ${(forwardMs / 1000).toFixed(2)} s ` +
        `(${(named.totalFlops / per / 1e6).toFixed(2)} GFLOP/s), output [${
          (y as Tensor).shape.join(", ")
        }]`,
    );
    const top = Array.from(scores.subarray(0, scores.length / batch), (v, i) => [v, i])
      .sort((a, b) => b[0] - a[0]).slice(0, 5).map(([, i]) => i);
    console.log(`top-5 classes of image 0 (random weights, so meaningless): ${top.join(", ")}`);
    return {
      summary: named,
      backend: backend.name,
      initMs,
      forwardMs,
      outShape: (y as Tensor).shape,
    };
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
