// RoI max pooling, step 2: the maximum of each bin, or where it is (reference §1, steps 6-7).
//
// A fragment: tfjs-backend-webgpu prepends the bindings `x` [N, H, W, C], `rois` [R, 5], `bins` [R, PH + PW, 2]
// (from roi_pool_bins.wgsl) and `result` [R, PH, PW, C], the uniforms and the entry point; the program class
// appends writeResult(), which stores either the value (forward) or the plane-local argmax h * W + w (used by
// the backward).
//
// Thread mapping: one thread per output element, channel fastest, so neighbouring threads read neighbouring
// addresses of the NHWC map while they walk the same bin.

fn main(index : i32) {
  if (index >= uniforms.size) {
    return;
  }
  let numChannels = uniforms.outShape.w;
  let pooledWidth = uniforms.outShape.z;
  let pooledHeight = uniforms.outShape.y;
  let c = index % numChannels;
  let binIndex = index / numChannels;  // (r * PH + ph) * PW + pw
  let pw = binIndex % pooledWidth;
  let ph = (binIndex / pooledWidth) % pooledHeight;
  let r = binIndex / (pooledWidth * pooledHeight);
  let edges = r * (pooledHeight + pooledWidth) * 2;
  let hStart = bins[edges + 2 * ph];
  let hEnd = bins[edges + 2 * ph + 1];
  let wStart = bins[edges + 2 * (pooledHeight + pw)];
  let wEnd = bins[edges + 2 * (pooledHeight + pw) + 1];
  let mapHeight = uniforms.xShape.y;
  let mapWidth = uniforms.xShape.z;
  // A bad batch index has only empty bins, so `batch` is never used to read then.
  let batch = i32(f32(rois[r * 5]));

  // The reference starts from -FLT_MAX, or 0 for an empty bin, and keeps the first of equal maxima (strict >).
  var best = select(bitcast<f32>(0xff7fffffu), 0.0, hEnd <= hStart || wEnd <= wStart);
  var bestAt = -1;
  for (var h = hStart; h < hEnd; h = h + 1) {
    var at = ((batch * mapHeight + h) * mapWidth + wStart) * numChannels + c;
    for (var w = wStart; w < wEnd; w = w + 1) {
      let v = x[at];
      if (v > best) {
        best = v;
        bestAt = h * mapWidth + w;
      }
      at = at + numChannels;
    }
  }
  writeResult(index, best, bestAt);
}
