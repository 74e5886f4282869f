/**
 * Gradient of RoiPool: the features receive each output gradient at its argmax (Eq. 4 of the Fast R-CNN paper,
 * computed by the RoiPoolGrad kernel of the active backend); RoIs get none (reference §1), so their gradient is
 * zero, which keeps tf.grads happy when the rois come from a trainable tensor.
 */
import { engine, zerosLike, type GradConfig, type NamedAttrMap, type Tensor, type Tensor4D } from '@tensorflow/tfjs';
import { RoiPool, RoiPoolGrad, type RoiPoolGradInputs } from './kernel_names';

export function roiPoolGrad(dy: Tensor, features: Tensor, rois: Tensor, attrs: NamedAttrMap): Tensor4D {
  const inputs: RoiPoolGradInputs = { dy, features, rois };
  return engine().runKernel(RoiPoolGrad, inputs as unknown as Record<string, Tensor>, attrs) as Tensor4D;
}

export const roiPoolGradConfig: GradConfig = {
  kernelName: RoiPool,
  inputsToSave: ['features', 'rois'],
  gradFunc: (dy, saved, attrs) => {
    const [features, rois] = saved;
    return {
      features: () => roiPoolGrad(dy as Tensor, features, rois, attrs),
      rois: () => zerosLike(rois),
    };
  },
};
