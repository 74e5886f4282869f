/**
 * Registers every custom kernel of this project with tfjs, and their gradients. Idempotent: the tfjs registry is
 * global and warns on a second registration, so each entry is added only where it is missing.
 */
import { getGradient, getKernel, registerGradient, registerKernel } from '@tensorflow/tfjs';
import { roiPoolCpuConfigs } from './roi_pool/roi_pool_cpu';
import { roiPoolGradConfig } from './roi_pool/roi_pool_grad';
import { roiPoolWebGLConfigs } from './roi_pool/roi_pool_webgl';
import { roiPoolWebGPUConfigs } from './roi_pool/roi_pool_webgpu';

export function registerKernels(): void {
  for (const config of [...roiPoolCpuConfigs, ...roiPoolWebGPUConfigs, ...roiPoolWebGLConfigs]) {
    if (getKernel(config.kernelName, config.backendName) == null) registerKernel(config);
  }
  if (getGradient(roiPoolGradConfig.kernelName) == null) registerGradient(roiPoolGradConfig);
}
