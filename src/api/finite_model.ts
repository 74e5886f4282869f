/** A model with a NaN/Inf weight is never written (issue 9): `save()` checks the head and any fine-tuned backbone weight. */
import type * as tf from '@tensorflow/tfjs';
import { allFinite } from '../training/nan_guard';
import { DetectorError } from './errors';

export interface WeightsOf {
  readonly head: { weights(): ReadonlyMap<string, tf.Tensor> };
  readonly backbone: { modifiableWeights(): ReadonlyMap<string, tf.Tensor> };
}

export async function assertFiniteModel(model: WeightsOf): Promise<void> {
  const named = [
    ...[...model.head.weights()].map(([name, t]) => [`head/${name}`, t] as const),
    ...[...model.backbone.modifiableWeights()].map(([name, t]) => [`backbone/${name}`, t] as const),
  ];
  for (const [name, tensor] of named) {
    if (!allFinite(await tensor.data())) throw new DetectorError('model-invalid', `refusing to save the model: ${name} has NaN/Inf values`);
  }
}
