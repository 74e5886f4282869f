// RoI max pooling, step 2: the maximum of each bin, or where it is (reference §1, steps 6-7).
//
// A fragment: tfjs-backend-webgpu prepends the bindings `x` [N, H, W, C], `rois` [R, 5], `bins` [R, PH + PW, 2]
// (from roi_pool_bins.wgsl) and `result` [R, PH, PW, C], the uniforms and the entry point; the program class
// appends writeResult(), which stores either the value (forward) or the plane-local argmax h * W + w (used by
// the backward), and prepends CHANNELS_PER_THREAD (4 when C is a multiple of 4, else 1) with the matching types
// Value (vec4<f32> or f32) and Position (vec4<i32> or i32); `x` and `result` then hold Values.
//
// Thread mapping: one thread per CHANNELS_PER_THREAD channels of one output bin, channels fastest, so neighbouring
// threads read neighbouring addresses of the NHWC map while they walk the same bin; the comparisons and selects
// below work channel by channel for vectors.

fn main(index : i32) {
  if (index >= uniforms.size) {
    return;
  }
  let numGroups = uniforms.outShape.w / CHANNELS_PER_THREAD;  // Values per map cell
  let pooledWidth = uniforms.outShape.z;
  let pooledHeight = uniforms.outShape.y;
  let c = index % numGroups;
  let binIndex = index / numGroups;  // (r * PH + ph) * PW + pw
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
  var best = Value(select(bitcast<f32>(0xff7fffffu), 0.0, hEnd <= hStart || wEnd <= wStart));
  var bestAt = Position(-1);
  for (var h = hStart; h < hEnd; h = h + 1) {
    var at = ((batch * mapHeight + h) * mapWidth + wStart) * numGroups + c;
    for (var w = wStart; w < wEnd; w = w + 1) {
      let v = x[at];
      let better = v > best;
      best = select(best, v, better);
      bestAt = select(bestAt, Position(h * mapWidth + w), better);
      at = at + numGroups;
    }
  }
  writeResult(index, best, bestAt);
}
