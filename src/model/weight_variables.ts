/**
 * Trainable variables from loaded weights, checked against what a layer stack of a given config holds. Shared by the
 * RoI head and the RPN head so both refuse a model file the same way.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * One variable per expected name, holding a copy of the weight; the names must be exactly `expected`'s and each
 * shape must match. `what` names the weights in errors ("head", "RPN").
 */
export function variablesFromWeights(
  what: string,
  expected: ReadonlyMap<string, readonly number[]>,
  weights: ReadonlyMap<string, tf.Tensor>,
): Map<string, tf.Variable> {
  const names = [...weights.keys()].sort();
  if (names.join() !== [...expected.keys()].sort().join()) {
    throw new Error(`${what} weights ${names.join(', ')} do not match the config (${[...expected.keys()].join(', ')})`);
  }
  const variables = new Map<string, tf.Variable>();
  for (const [name, dims] of expected) {
    const value = weights.get(name) as tf.Tensor;
    if (!tf.util.arraysEqual(value.shape, dims as number[])) throw new Error(`${what} weight ${name}: shape ${value.shape}, expected ${dims}`);
    variables.set(name, tf.variable(value.clone()));
  }
  return variables;
}
