/**
 * The course's example networks, built from `layers`.
 * @module
 */

export * from "./mnist_base.ts";
