/**
 * The course's example networks, built from `layers`.
 * @module
 */

export * from "./mnist_base.ts";
export * from "./vgg16.ts";
export * from "./alphago_policy.ts";
export * from "./text_cnn.ts";
