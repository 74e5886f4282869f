// RoI max pooling, step 1: the bin edges of every RoI (reference §1, steps 1-5).
//
// A fragment: tfjs-backend-webgpu prepends the bindings `rois` [R, 5] and `result` [R, PH + PW, 2] (int32),
// the `uniforms` struct (with spatialScale, pooledHeight, batchCount, mapHeight, mapWidth appended) and the entry
// point that calls main(index).
//
// Thread mapping: one thread per output entry. Entry (r, j, k) is the start (k = 0) or the exclusive end (k = 1)
// of bin row j (j < PH, clamped to [0, H]) or of bin column j - PH (clamped to [0, W]) of RoI r. A RoI whose batch
// index names no image gets only empty bins [0, 0). R * (PH + PW) * 2 threads: negligible next to the pooling.

// C round(): halves go away from zero. WGSL round() rounds half to even (8 * 1/16 = 0.5 must give 1, not 0), and
// floor(v + 0.5) is wrong at 0.49999997, where v + 0.5 rounds up to 1.0 in f32.
fn roundHalfAwayFromZero(v : f32) -> f32 {
  let a = abs(v);
  let f = floor(a);
  let r = select(f, f + 1.0, a >= f + 0.5);
  return select(r, -r, v < 0.0);
}

// f32(a) / f32(b) rounded to nearest even, for integers 1 <= a, b < 2^24, by long division in u32.
// The bin size must be the correctly rounded f32 quotient (torchvision computes it on the CPU): with it, 57 rows in
// 7 bins give a last bin ending at ceil(7 * 8.142858) = 58. WGSL division may be off by 2.5 ULP, which moves such
// edges, so the quotient is built bit by bit instead: the integer part, then one fraction bit per step until 25
// significant bits (24 + a rounding bit) are known; the remainder is the sticky bit.
fn divideCorrectlyRounded(a : u32, b : u32) -> f32 {
  var q = a / b;
  var rem = a % b;
  var shift = 0;
  loop {
    if (q >= 0x1000000u) { break; }
    rem = rem << 1u;
    q = q << 1u;
    if (rem >= b) {
      q = q | 1u;
      rem = rem - b;
    }
    shift = shift + 1;
  }
  // a / b = (q + rem / b) * 2^-shift, with 2^24 <= q < 2^25.
  var mantissa = q >> 1u;
  if ((q & 1u) == 1u && (rem != 0u || (mantissa & 1u) == 1u)) {
    mantissa = mantissa + 1u;
  }
  // value = mantissa * 2^(1 - shift) = 1.fraction * 2^(24 - shift): biased exponent 151 - shift.
  var exponent = 151 - shift;
  if (mantissa == 0x1000000u) {
    mantissa = 0x800000u;
    exponent = exponent + 1;
  }
  return bitcast<f32>((u32(exponent) << 23u) | (mantissa & 0x7fffffu));
}

fn main(index : i32) {
  if (index >= uniforms.size) {
    return;
  }
  let entry = index / 2;
  let isEnd = index % 2 == 1;
  let binsPerRoi = uniforms.outShape.y;
  let r = entry / binsPerRoi;
  let j = entry % binsPerRoi;
  let row = r * 5;
  let batch = i32(f32(rois[row]));  // truncation toward zero, as the reference's float-to-int conversion
  if (batch < 0 || batch >= uniforms.batchCount) {
    result[index] = 0;
    return;
  }
  let isRow = j < uniforms.pooledHeight;
  let p = select(j - uniforms.pooledHeight, j, isRow);
  let pooled = select(binsPerRoi - uniforms.pooledHeight, uniforms.pooledHeight, isRow);
  let limit = select(uniforms.mapWidth, uniforms.mapHeight, isRow);
  // Corners in feature cells: x1, x2 for columns, y1, y2 for rows; the product is the reference's f32 product.
  let first = i32(roundHalfAwayFromZero(f32(rois[row + select(1, 2, isRow)]) * uniforms.spatialScale));
  let last = i32(roundHalfAwayFromZero(f32(rois[row + select(3, 4, isRow)]) * uniforms.spatialScale));
  let bin = divideCorrectlyRounded(u32(max(last - first + 1, 1)), u32(pooled));
  // WGSL f32 multiplication is correctly rounded, so floor/ceil see the reference's products.
  let edge = select(i32(floor(f32(p) * bin)), i32(ceil(f32(p + 1) * bin)), isEnd);
  result[index] = clamp(edge + first, 0, limit);
}
