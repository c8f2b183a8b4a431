/**
 * The benchmark workloads of issue 4 and their work counts: float32 throughout, NHWC images and
 * HWIO filters. Pure data, no backend.
 * @module
 */

/** The name of a workload, as `--workloads` takes it. */
export type WorkloadName =
  | "conv-base1"
  | "conv-base2"
  | "conv-vgg"
  | "conv-base2-backward"
  | "matmul-512"
  | "matmul-1024"
  | "maxpool"
  | "train-step-base";

/** Every workload, in the order the table lists them. */
export const WORKLOAD_NAMES: readonly WorkloadName[] = [
  "conv-base1",
  "conv-base2",
  "conv-vgg",
  "conv-base2-backward",
  "matmul-512",
  "matmul-1024",
  "maxpool",
  "train-step-base",
];

/** A stride-1 2D convolution: input `[n, h, w, cIn]`, filter `[k, k, cIn, cOut]`. */
export interface ConvSpec {
  /** Batch size. */
  readonly n: number;
  /** Input height. */
  readonly h: number;
  /** Input width. */
  readonly w: number;
  /** Input channels. */
  readonly cIn: number;
  /** Output channels (filters). */
  readonly cOut: number;
  /** Filter height and width. */
  readonly k: number;
  /** `"valid"` (no padding) or `"same"` (output as large as the input). */
  readonly padding: "valid" | "same";
}

/** One workload: what it computes, with its sizes. */
export type Workload =
  | {
    /** A convolution: forward, or (with `backward`) its input and filter gradients. */
    readonly kind: "conv";
    readonly name: WorkloadName;
    readonly conv: ConvSpec;
    readonly backward: boolean;
  }
  | {
    /** The product of two `[n, n]` matrices. */
    readonly kind: "matmul";
    readonly name: WorkloadName;
    readonly n: number;
  }
  | {
    /** 2x2 stride-2 max pooling of `[n, h, w, c]`, forward and backward. */
    readonly kind: "maxpool";
    readonly name: WorkloadName;
    readonly shape: readonly [number, number, number, number];
  }
  | {
    /** One SGD step (forward, backward, update) of the MNIST BASE net on a batch. */
    readonly kind: "train-step";
    readonly name: WorkloadName;
    readonly batch: number;
  };

const BASE2: ConvSpec = { n: 32, h: 12, w: 12, cIn: 20, cOut: 50, k: 5, padding: "valid" };

/** The workloads by name. */
export const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = {
  "conv-base1": {
    kind: "conv",
    name: "conv-base1",
    conv: { n: 32, h: 28, w: 28, cIn: 1, cOut: 20, k: 5, padding: "valid" },
    backward: false,
  },
  "conv-base2": { kind: "conv", name: "conv-base2", conv: BASE2, backward: false },
  "conv-vgg": {
    kind: "conv",
    name: "conv-vgg",
    conv: { n: 1, h: 56, w: 56, cIn: 64, cOut: 64, k: 3, padding: "same" },
    backward: false,
  },
  "conv-base2-backward": {
    kind: "conv",
    name: "conv-base2-backward",
    conv: BASE2,
    backward: true,
  },
  "matmul-512": { kind: "matmul", name: "matmul-512", n: 512 },
  "matmul-1024": { kind: "matmul", name: "matmul-1024", n: 1024 },
  "maxpool": { kind: "maxpool", name: "maxpool", shape: [32, 24, 24, 20] },
  "train-step-base": { kind: "train-step", name: "train-step-base", batch: 64 },
};

/** The output height and width of a stride-1 convolution: `h - k + 1` when valid, `h` when same. */
export function convOutputSize(spec: ConvSpec): [number, number] {
  if (spec.padding === "same") return [spec.h, spec.w];
  return [spec.h - spec.k + 1, spec.w - spec.k + 1];
}

/** Floating-point operations of a forward convolution: `2 * n * oh * ow * k * k * cIn * cOut`. */
export function convFlops(spec: ConvSpec): number {
  const [oh, ow] = convOutputSize(spec);
  return 2 * spec.n * oh * ow * spec.k * spec.k * spec.cIn * spec.cOut;
}

/**
 * The floating-point operations a workload counts for its GFLOP/s figure: a convolution's
 * forward count (twice that for the two gradients), `2 n^3` for a matrix product, and
 * `undefined` where only time is reported (max pooling, the train step).
 */
export function workloadFlops(workload: Workload): number | undefined {
  switch (workload.kind) {
    case "conv":
      return convFlops(workload.conv) * (workload.backward ? 2 : 1);
    case "matmul":
      return 2 * workload.n ** 3;
    default:
      return undefined;
  }
}

/** The images one run processes, for the images/s figure: the train step's batch, else none. */
export function workloadImages(workload: Workload): number | undefined {
  return workload.kind === "train-step" ? workload.batch : undefined;
}
