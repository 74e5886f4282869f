/** A max-heap of (similarity, regionA, regionB) in growable typed arrays; stale pairs are skipped by the caller. */
export class PairHeap {
  private key: Float64Array;
  private a: Int32Array;
  private b: Int32Array;
  private n = 0;

  constructor(capacity = 1024) {
    this.key = new Float64Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  push(key: number, a: number, b: number): void {
    if (this.n === this.key.length) this.grow();
    let i = this.n++;
    const keys = this.key;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent] >= key) break;
      this.move(parent, i);
      i = parent;
    }
    keys[i] = key;
    this.a[i] = a;
    this.b[i] = b;
  }

  /** Removes the top; its pair is left in `out` as [key, a, b]. */
  pop(out: Float64Array): void {
    out[0] = this.key[0];
    out[1] = this.a[0];
    out[2] = this.b[0];
    const last = --this.n;
    if (last === 0) return;
    const key = this.key[last];
    const la = this.a[last];
    const lb = this.b[last];
    const keys = this.key;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && keys[child + 1] > keys[child]) child++;
      if (keys[child] <= key) break;
      this.move(child, i);
      i = child;
    }
    keys[i] = key;
    this.a[i] = la;
    this.b[i] = lb;
  }

  private move(from: number, to: number): void {
    this.key[to] = this.key[from];
    this.a[to] = this.a[from];
    this.b[to] = this.b[from];
  }

  private grow(): void {
    const cap = this.key.length * 2;
    const key = new Float64Array(cap);
    const a = new Int32Array(cap);
    const b = new Int32Array(cap);
    key.set(this.key);
    a.set(this.a);
    b.set(this.b);
    this.key = key;
    this.a = a;
    this.b = b;
  }
}
