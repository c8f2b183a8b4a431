/**
 * VGG-16 (Simonyan and Zisserman, configuration D), with its fully connected layers written as
 * convolutions, as the course notes teach them and as MatConvNet's `imagenet-vgg-verydeep-16`
 * stores them.
 * @module
 */

import { checkInt, rangeError, show, typeError } from "../core/mod.ts";
import {
  conv2d,
  dropout,
  glorotUniform,
  type Initializer,
  type Layer,
  maxPool2d,
  relu,
  serial,
} from "../layers/mod.ts";
import { checkRate } from "./_util.ts";

/** Options of {@linkcode vgg16}. */
export interface Vgg16Options {
  /** The number of classes (the filters of `fc8`). @default {1000} */
  readonly classes?: number;
  /**
   * The input height and width the net is built for (at least 32): `fc6` is a conv whose window
   * is the whole last pooling output, `floor(inputSize / 32)` cells square (7 for 224). On a
   * larger input the net slides that window and outputs a map of class scores.
   * @default {224}
   */
  readonly inputSize?: number;
  /**
   * Divides every layer's channel count (64 ... 512 and the 4096 of `fc6`/`fc7`), rounding up:
   * 1 is VGG-16 itself; 16 gives a net of the same shape that is cheap enough for a test.
   * @default {1}
   */
  readonly widthDivisor?: number;
  /**
   * The dropout rate after `fc6` and `fc7` (active in train mode only); 0 for none.
   * @default {0.5}
   */
  readonly dropout?: number;
  /**
   * The initialiser of every filter. Drawing VGG-16's 138 million random weights takes a while
   * on the CPU (about 20 s here); `zerosInit` makes `init` and `summary` quick when only the
   * shapes and counts matter.
   * @default {glorotUniform}
   */
  readonly kernelInit?: Initializer;
}

const OP = "vgg16";

/** The conv stages of configuration D: the channels of each 3x3 conv, a max-pool after each. */
const STAGES = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];

/**
 * VGG-16: five stages of 3x3 convolutions with "same" padding (stride 1), each followed by ReLU,
 * with 2, 2, 3, 3 and 3 convs of 64, 128, 256, 512 and 512 filters and a 2x2 max-pool of stride
 * 2 after each stage; then `fc6` (4096 filters over the whole 7x7x512 map), ReLU, dropout, `fc7`
 * (1x1, 4096), ReLU, dropout, and `fc8` (1x1, `classes`). It maps `[n, 224, 224, 3]` images to
 * `[n, 1, 1, classes]` logits (softmax cross-entropy goes on top).
 *
 * The fully connected layers are convs: a dense layer on a flattened 7x7x512 map is exactly a
 * 7x7 conv with no padding on that map (the same 102,764,544 weights of `fc6`, arranged
 * `[7, 7, 512, 4096]`), so both give 138,357,544 parameters for 1000 classes; as convs the
 * layers keep positions apart, the receptive field stays honest in the summary (212 input cells
 * for an element of the last pooling output, 404 after `fc6`), and the net runs unchanged on
 * larger images. Biases start at zero.
 *
 * @example
 * ```ts
 * import "@convkit/convkit"; // sets the default backend
 * import { summary, zerosInit } from "@convkit/convkit/layers";
 * import { vgg16 } from "@convkit/convkit/models";
 * // zerosInit: no need to draw 138 million random weights to count them
 * const s = summary(vgg16({ kernelInit: zerosInit }), [-1, 224, 224, 3]);
 * s.totalParams; // 138357544
 * s.outShape; // [-1, 1, 1, 1000]
 * // The same shape, 16 times narrower, on 32x32 inputs: cheap enough to run anywhere.
 * summary(vgg16({ inputSize: 32, widthDivisor: 16, classes: 10 }), [-1, 32, 32, 3]).outShape;
 * // [-1, 1, 1, 10]
 * ```
 */
export function vgg16(options: Vgg16Options = {}): Layer {
  const classes = checkInt(OP, "options.classes", options.classes ?? 1000, 1);
  const inputSize = checkInt(OP, "options.inputSize", options.inputSize ?? 224, 1);
  if (inputSize < 32) {
    throw rangeError(
      OP,
      "options.inputSize",
      "must be at least 32 (five 2x2 poolings must leave one cell)",
      `got ${inputSize}`,
    );
  }
  const divisor = checkInt(OP, "options.widthDivisor", options.widthDivisor ?? 1, 1);
  const rate = checkRate(OP, "options.dropout", options.dropout ?? 0.5);
  const kernelInit = options.kernelInit ?? glorotUniform;
  if (typeof kernelInit !== "function") {
    throw typeError(OP, "options.kernelInit", "must be an Initializer", `got ${show(kernelInit)}`);
  }
  const width = (c: number): number => Math.ceil(c / divisor);
  const layers: Layer[] = [];
  for (const stage of STAGES) {
    for (const c of stage) {
      layers.push(conv2d(width(c), 3, { padding: "same", kernelInit }), relu());
    }
    layers.push(maxPool2d(2));
  }
  const drop = (): Layer[] => (rate > 0 ? [dropout(rate)] : []);
  layers.push(
    conv2d(width(4096), Math.floor(inputSize / 32), { kernelInit }),
    relu(),
    ...drop(),
    conv2d(width(4096), 1, { kernelInit }),
    relu(),
    ...drop(),
    conv2d(classes, 1, { kernelInit }),
  );
  return serial(...layers);
}
