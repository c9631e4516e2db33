/**
 * Indices of the `k` largest scores, best first; ties go to the lower index, so results are
 * deterministic. A bounded min-heap keeps it O(n log k) instead of sorting every score.
 * `skip[i] = 1` leaves index i out; NaN scores are left out too.
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: Uint8Array): Int32Array {
  const heap = new TopKHeap(scores, k);
  for (let i = 0; i < scores.length; i++) if (!skip?.[i]) heap.offer(i);
  return heap.sorted();
}

/** Like {@link topK}, over the given candidate indices only (e.g. the items a row touched). */
export function topKAmong(scores: ArrayLike<number>, candidates: ArrayLike<number>, k: number): Int32Array {
  const heap = new TopKHeap(scores, k);
  for (let c = 0; c < candidates.length; c++) heap.offer(candidates[c] as number);
  return heap.sorted();
}

/** A min-heap of at most k indices; its top is the worst index kept. */
class TopKHeap {
  private readonly heap: Int32Array;
  private size = 0;

  constructor(
    private readonly scores: ArrayLike<number>,
    private readonly k: number,
  ) {
    this.heap = new Int32Array(Math.max(0, k));
  }

  offer(i: number): void {
    const { heap, scores } = this;
    const s = scores[i] as number;
    if (this.k <= 0 || Number.isNaN(s)) return;
    if (this.size < this.k) {
      heap[this.size] = i;
      siftUp(heap, this.size++, scores);
    } else if (better(s, i, scores[heap[0]!] as number, heap[0]!)) {
      heap[0] = i;
      siftDown(heap, this.size, scores);
    }
  }

  sorted(): Int32Array {
    const { scores } = this;
    const out = this.heap.slice(0, this.size);
    // Only k entries are sorted here, not the whole catalogue.
    out.sort((a, b) => (better(scores[a] as number, a, scores[b] as number, b) ? -1 : 1));
    return out;
  }
}

/** Whether (score a, index ia) ranks before (score b, index ib). */
export function better(a: number, ia: number, b: number, ib: number): boolean {
  return a > b || (a === b && ia < ib);
}

function siftUp(heap: Int32Array, at: number, scores: ArrayLike<number>): void {
  let c = at;
  while (c > 0) {
    const p = (c - 1) >> 1;
    if (!better(scores[heap[p]!] as number, heap[p]!, scores[heap[c]!] as number, heap[c]!)) break;
    swap(heap, p, c);
    c = p;
  }
}

function siftDown(heap: Int32Array, size: number, scores: ArrayLike<number>): void {
  let p = 0;
  for (;;) {
    let worst = p;
    const l = 2 * p + 1;
    if (l < size && outranks(heap, worst, l, scores)) worst = l;
    if (l + 1 < size && outranks(heap, worst, l + 1, scores)) worst = l + 1;
    if (worst === p) return;
    swap(heap, p, worst);
    p = worst;
  }
}

/** Whether heap slot a ranks before slot b (the min-heap keeps the worst entry on top). */
function outranks(heap: Int32Array, a: number, b: number, scores: ArrayLike<number>): boolean {
  return better(scores[heap[a]!] as number, heap[a]!, scores[heap[b]!] as number, heap[b]!);
}

function swap(heap: Int32Array, a: number, b: number): void {
  const t = heap[a]!;
  heap[a] = heap[b]!;
  heap[b] = t;
}
