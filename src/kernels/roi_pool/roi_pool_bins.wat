(module
  (memory (export "memory") 1)
  ;; pool(feat, bins, n, out, cBytes, rowStride): for bin i, its 3 i32 at bins + 12 i: start (bytes from feat to its
  ;; first cell), rows, cols (rows = 0: empty bin, C zeros). Writes cBytes at out + i cBytes: per channel the
  ;; f32x4.pmax (z1 < z2 ? z2 : z1) fold over the bin's cells in row-major order from -FLT_MAX.
  (func (export "pool") (param $feat i32) (param $bins i32) (param $n i32) (param $out i32) (param $cBytes i32) (param $rowStride i32)
    (local $i i32) (local $rows i32) (local $cols i32) (local $ch i32) (local $rowPtr i32) (local $p i32)
    (local $rowEnd i32) (local $y i32) (local $o i32) (local $span i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (loop $bin
      (local.set $rows (i32.load offset=4 (local.get $bins)))
      (local.set $cols (i32.load offset=8 (local.get $bins)))
      (local.set $o (local.get $out))
      (if (i32.or (i32.eqz (local.get $rows)) (i32.eqz (local.get $cols)))
        (then
          (local.set $ch (i32.const 0))
          (loop $zero
            (v128.store (i32.add (local.get $o) (local.get $ch)) (v128.const i32x4 0 0 0 0))
            (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
            (br_if $zero (i32.lt_u (local.get $ch) (local.get $cBytes)))))
        (else
          (local.set $span (i32.mul (local.get $cols) (local.get $cBytes)))
          (local.set $ch (i32.const 0))
          ;; 64 bytes (16 channels) at a time
          (block $done64
            (loop $ch64
              (br_if $done64 (i32.gt_u (i32.add (local.get $ch) (i32.const 64)) (local.get $cBytes)))
              (local.set $a0 (v128.const f32x4 -0x1.fffffep127 -0x1.fffffep127 -0x1.fffffep127 -0x1.fffffep127))
              (local.set $a1 (local.get $a0)) (local.set $a2 (local.get $a0)) (local.set $a3 (local.get $a0))
              (local.set $rowPtr (i32.add (i32.add (local.get $feat) (i32.load (local.get $bins))) (local.get $ch)))
              (local.set $y (local.get $rows))
              (loop $row
                (local.set $p (local.get $rowPtr))
                (local.set $rowEnd (i32.add (local.get $rowPtr) (local.get $span)))
                (loop $cell
                  (local.set $a0 (f32x4.pmax (local.get $a0) (v128.load (local.get $p))))
                  (local.set $a1 (f32x4.pmax (local.get $a1) (v128.load offset=16 (local.get $p))))
                  (local.set $a2 (f32x4.pmax (local.get $a2) (v128.load offset=32 (local.get $p))))
                  (local.set $a3 (f32x4.pmax (local.get $a3) (v128.load offset=48 (local.get $p))))
                  (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
                  (br_if $cell (i32.lt_u (local.get $p) (local.get $rowEnd))))
                (local.set $rowPtr (i32.add (local.get $rowPtr) (local.get $rowStride)))
                (local.set $y (i32.sub (local.get $y) (i32.const 1)))
                (br_if $row (local.get $y)))
              (v128.store (i32.add (local.get $o) (local.get $ch)) (local.get $a0))
              (v128.store offset=16 (i32.add (local.get $o) (local.get $ch)) (local.get $a1))
              (v128.store offset=32 (i32.add (local.get $o) (local.get $ch)) (local.get $a2))
              (v128.store offset=48 (i32.add (local.get $o) (local.get $ch)) (local.get $a3))
              (local.set $ch (i32.add (local.get $ch) (i32.const 64)))
              (br $ch64)))
          ;; the rest, 16 bytes (4 channels) at a time
          (block $done16
            (loop $ch16
              (br_if $done16 (i32.ge_u (local.get $ch) (local.get $cBytes)))
              (local.set $a0 (v128.const f32x4 -0x1.fffffep127 -0x1.fffffep127 -0x1.fffffep127 -0x1.fffffep127))
              (local.set $rowPtr (i32.add (i32.add (local.get $feat) (i32.load (local.get $bins))) (local.get $ch)))
              (local.set $y (local.get $rows))
              (loop $row16
                (local.set $p (local.get $rowPtr))
                (local.set $rowEnd (i32.add (local.get $rowPtr) (local.get $span)))
                (loop $cell16
                  (local.set $a0 (f32x4.pmax (local.get $a0) (v128.load (local.get $p))))
                  (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
                  (br_if $cell16 (i32.lt_u (local.get $p) (local.get $rowEnd))))
                (local.set $rowPtr (i32.add (local.get $rowPtr) (local.get $rowStride)))
                (local.set $y (i32.sub (local.get $y) (i32.const 1)))
                (br_if $row16 (local.get $y)))
              (v128.store (i32.add (local.get $o) (local.get $ch)) (local.get $a0))
              (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
              (br $ch16)))))
      (local.set $bins (i32.add (local.get $bins) (i32.const 12)))
      (local.set $out (i32.add (local.get $out) (local.get $cBytes)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $bin (i32.lt_u (local.get $i) (local.get $n))))))
