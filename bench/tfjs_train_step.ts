/**
 * One SGD step of the MNIST BASE net (models/mnist_base.ts) in TensorFlow.js, for the
 * `train-step-base` workload.
 *
 * tfjs-core registers no gradient functions by itself (only the 240 MB `@tensorflow/tfjs` union
 * package does), so `tf.variableGrads` cannot run here. The backward pass is therefore written
 * out with the kernels tfjs's own gradient functions call (Conv2DBackpropInput/Filter,
 * MaxPoolGrad, relu as `dy * step(x)`, bias sums, softmax minus targets), and the update is
 * tfjs's SGD optimizer (`applyGradients`). Same work as `optimizer.minimize`, without its tape.
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Prepared } from "./runner.ts";
import { convFilterGrad, convInputGrad, maxPoolGrad } from "./tfjs_ops.ts";

type T4 = tf.Tensor4D;

let instances = 0;

/** The inputs, params and SGD optimizer of the BASE net on one batch, and its run. */
export function prepareTfjsTrainStep(batch: number, random: (s: number[]) => tf.Tensor): Prepared {
  let seed = 10;
  const tag = `bench${instances++}`; // tfjs variable names are global
  const he = (name: string, shape: number[]): tf.Variable => {
    const fanIn = shape[0] * shape[1] * shape[2];
    const std = Math.sqrt(2 / fanIn);
    const s = seed++;
    // tidy frees the initial value; the variable (its own copy) survives it.
    return tf.tidy(() =>
      tf.variable(tf.randomNormal(shape, 0, std, "float32", s), true, `${tag}/${name}`)
    );
  };
  const zero = (name: string, n: number): tf.Variable =>
    tf.tidy(() => tf.variable(tf.zeros([n]), true, `${tag}/${name}`));
  const w = [
    he("w1", [5, 5, 1, 20]),
    he("w2", [5, 5, 20, 50]),
    he("w3", [4, 4, 50, 500]),
    he("w4", [1, 1, 500, 10]),
  ];
  const b = [zero("b1", 20), zero("b2", 50), zero("b3", 500), zero("b4", 10)];
  const vars = [...w, ...b];
  const x = random([batch, 28, 28, 1]) as T4;
  const ids = tf.tensor1d(Int32Array.from({ length: batch }, (_, i) => i % 10), "int32");
  const labels = tf.tidy(() => tf.cast(tf.oneHot(ids, 10), "float32"));
  ids.dispose();
  const optimizer = tf.train.sgd(0.01);
  const conv = (t: T4, i: number): T4 => tf.add(tf.conv2d(t, w[i] as T4, 1, "valid"), b[i]);
  const biasGrad = (dy: T4): tf.Tensor => tf.sum(dy, [0, 1, 2]);

  const step = (): tf.Tensor => {
    // forward
    const a1 = conv(x, 0);
    const p1 = tf.maxPool(a1, 2, 2, "valid");
    const a2 = conv(p1, 1);
    const p2 = tf.maxPool(a2, 2, 2, "valid");
    const a3 = conv(p2, 2);
    const r3 = tf.relu(a3);
    const logits = tf.reshape(conv(r3, 3), [batch, 10]);
    const loss = tf.losses.softmaxCrossEntropy(labels, logits);
    // backward: d(mean cross-entropy)/d logits = (softmax - targets) / batch
    const da4 = tf.reshape(tf.div(tf.sub(tf.softmax(logits), labels), batch), [batch, 1, 1, 10]);
    const dr3 = convInputGrad(da4 as T4, w[3] as T4, r3.shape, "valid");
    const da3 = tf.mul(dr3, tf.step(a3)) as T4;
    const da2 = maxPoolGrad(convInputGrad(da3, w[2] as T4, p2.shape, "valid"), a2, p2);
    const da1 = maxPoolGrad(convInputGrad(da2, w[1] as T4, p1.shape, "valid"), a1, p1);
    const dws = [
      convFilterGrad(x, da1, w[0].shape, "valid"),
      convFilterGrad(p1, da2, w[1].shape, "valid"),
      convFilterGrad(p2, da3, w[2].shape, "valid"),
      convFilterGrad(r3 as T4, da4 as T4, w[3].shape, "valid"),
    ];
    const dbs = [da1, da2, da3, da4 as T4].map(biasGrad);
    const grads = [...dws, ...dbs].map((tensor, i) => ({ name: vars[i].name, tensor }));
    optimizer.applyGradients(grads);
    return loss;
  };

  return {
    run: async () => {
      const loss = tf.tidy(step);
      await loss.data();
      loss.dispose();
      await Promise.all(vars.map((v) => v.data()));
    },
    dispose: () => {
      optimizer.dispose();
      tf.dispose([...vars, x, labels]);
    },
  };
}
