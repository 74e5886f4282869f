// RoI max pooling, backward, when the RoIs were split into K chunks: dx = the K partial sums of
// roi_pool_backward.wgsl, added in chunk order (so the same bits on every run).
//
// A fragment: tfjs-backend-webgpu prepends the bindings `partials` [K, N, H, W, C] and `result` (dx) [N, H, W, C],
// the uniforms (numChunks appended) and the entry point. Thread mapping: one thread per dx cell.

fn main(index : i32) {
  if (index >= uniforms.size) {
    return;
  }
  var sum = partials[index];
  for (var k = 1; k < uniforms.numChunks; k = k + 1) {
    sum = sum + partials[k * uniforms.size + index];
  }
  setOutputAtIndex(index, sum);
}
