/**
 * Disjoint sets over 0..n-1 with union by size and path halving, in one Int32Array to keep memory traffic low
 * (FH visits edges in weight order, i.e. pixels at random): node[x] >= 0 is x's parent, node[x] < 0 marks a root
 * whose set has -node[x] elements.
 */
export class UnionFind {
  readonly node: Int32Array;

  constructor(n: number) {
    this.node = new Int32Array(n).fill(-1);
  }

  find(x: number): number {
    const node = this.node;
    let parent = node[x];
    while (parent >= 0) {
      const grand = node[parent];
      if (grand < 0) return parent;
      node[x] = grand;
      x = grand;
      parent = node[x];
    }
    return x;
  }

  /** Elements in the set of `root` (which must be a root). */
  sizeOf(root: number): number {
    return -this.node[root];
  }

  /** Joins the sets whose roots are ra and rb (both must be roots); returns the new root. */
  unionRoots(ra: number, rb: number): number {
    const node = this.node;
    if (node[ra] > node[rb]) {
      const t = ra;
      ra = rb;
      rb = t;
    }
    node[ra] += node[rb];
    node[rb] = ra;
    return ra;
  }
}
