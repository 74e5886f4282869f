// RoI max pooling, backward: dx[n, h, w, c] = sum of dy over the outputs whose argmax is (h, w) (Eq. 4 of the
// paper), deterministic and without atomics.
//
// A fragment: tfjs-backend-webgpu prepends the bindings `dy` [R, PH, PW, C], `argmax` [R, PH, PW, C] (int32,
// plane-local h * W + w or -1, from roi_pool_forward.wgsl), `rois` [R, 5], `bins` [R, PH + PW, 2] and `result`
// [K * N, H, W, C] (dx when K = 1), the uniforms (tileSize, tilesY, tilesX, numImages, roisPerChunk, numThreads
// appended) and the entry point.
//
// Thread mapping: one thread owns one tile x tile block of one channel of one image, for one chunk k of
// roisPerChunk consecutive RoIs; channel fastest, chunk slowest. It clears its block of result[k] (pooled buffers
// are reused without clearing), then walks its RoIs of its image in order, the bins that overlap the block, and
// adds dy where the argmax falls inside the block. No other thread writes those cells, and every cell receives its
// terms in output order (r, ph, pw): with one chunk, the same float32 sums, bit for bit, as the CPU reference, on
// every run. With K chunks (many RoIs: bounded work per thread, more threads), roi_pool_backward_sum.wgsl adds the
// K partial sums in chunk order, as deterministic. A bin overlapping several blocks is read once per block.

fn main(index : i32) {
  if (index >= uniforms.numThreads) {
    return;
  }
  let mapHeight = uniforms.outShape.y;
  let mapWidth = uniforms.outShape.z;
  let numChannels = uniforms.outShape.w;
  let numRois = uniforms.dyShape.x;
  let pooledHeight = uniforms.dyShape.y;
  let pooledWidth = uniforms.dyShape.z;
  let c = index % numChannels;
  let block = index / numChannels;
  let tx = block % uniforms.tilesX;
  let ty = (block / uniforms.tilesX) % uniforms.tilesY;
  let plane = block / (uniforms.tilesX * uniforms.tilesY);  // result image: chunk * N + n
  let n = plane % uniforms.numImages;
  let firstRoi = (plane / uniforms.numImages) * uniforms.roisPerChunk;
  let endRoi = min(firstRoi + uniforms.roisPerChunk, numRois);
  let h0 = ty * uniforms.tileSize;
  let h1 = min(h0 + uniforms.tileSize, mapHeight);
  let w0 = tx * uniforms.tileSize;
  let w1 = min(w0 + uniforms.tileSize, mapWidth);

  for (var h = h0; h < h1; h = h + 1) {
    for (var w = w0; w < w1; w = w + 1) {
      result[((plane * mapHeight + h) * mapWidth + w) * numChannels + c] = 0.0;
    }
  }

  let binsPerRoi = pooledHeight + pooledWidth;
  for (var r = firstRoi; r < endRoi; r = r + 1) {
    if (i32(f32(rois[r * 5])) != n) {
      continue;
    }
    let edges = r * binsPerRoi * 2;
    // Bin edges grow with the bin index, so the RoI covers [first start, last end) on each axis.
    let colEdges = edges + 2 * pooledHeight;
    if (bins[edges] >= h1 || bins[edges + 2 * pooledHeight - 1] <= h0 ||
        bins[colEdges] >= w1 || bins[colEdges + 2 * pooledWidth - 1] <= w0) {
      continue;
    }
    for (var ph = 0; ph < pooledHeight; ph = ph + 1) {
      let hStart = bins[edges + 2 * ph];
      let hEnd = bins[edges + 2 * ph + 1];
      if (hEnd <= hStart || hEnd <= h0 || hStart >= h1) {
        continue;
      }
      for (var pw = 0; pw < pooledWidth; pw = pw + 1) {
        let wStart = bins[colEdges + 2 * pw];
        let wEnd = bins[colEdges + 2 * pw + 1];
        if (wEnd <= wStart || wEnd <= w0 || wStart >= w1) {
          continue;
        }
        let o = ((r * pooledHeight + ph) * pooledWidth + pw) * numChannels + c;
        let at = argmax[o];
        let ah = at / mapWidth;
        let aw = at % mapWidth;
        if (at >= 0 && ah >= h0 && ah < h1 && aw >= w0 && aw < w1) {
          let cell = ((plane * mapHeight + ah) * mapWidth + aw) * numChannels + c;
          result[cell] = result[cell] + dy[o];
        }
      }
    }
  }
}
