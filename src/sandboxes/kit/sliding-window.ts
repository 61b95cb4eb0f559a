/**
 * Timestamps of calls inside a sliding window, in a growable ring buffer, each with a weight (1 per call,
 * or the call's cost for token-based budgets). Used both to enforce rate limits and to measure exactly the
 * most calls any window held (stats).
 */
export class SlidingWindowLog {
  private times: Float64Array;
  private weights: Float64Array;
  private head = 0;
  private size = 0;
  private sum = 0;

  constructor(initialCapacity = 32) {
    const capacity = Math.max(4, initialCapacity);
    this.times = new Float64Array(capacity);
    this.weights = new Float64Array(capacity);
  }

  /** Entries in the window. */
  get length(): number {
    return this.size;
  }

  /** Sum of the weights in the window (equals `length` when every weight is 1). */
  get total(): number {
    return this.sum;
  }

  /** Time of the oldest entry still in the window, or undefined when empty. */
  get oldest(): number | undefined {
    return this.size > 0 ? this.times[this.head] : undefined;
  }

  /** Drops calls at or before `nowMs - windowMs`: the window is (now - window, now]. */
  evict(nowMs: number, windowMs: number): void {
    const cutoff = nowMs - windowMs;
    const cap = this.times.length;
    while (this.size > 0 && this.times[this.head] <= cutoff) {
      this.sum -= this.weights[this.head];
      this.head = (this.head + 1) % cap;
      this.size--;
    }
    if (this.size === 0) this.sum = 0;
  }

  /**
   * When the window will have shed enough entries for `needed` more weight to fit under `limit`: the time
   * the deciding entry leaves (Infinity if it can never fit), or undefined if it fits now.
   */
  freesAt(needed: number, limit: number, windowMs: number): number | undefined {
    let excess = this.sum + needed - limit;
    if (excess <= 0) return undefined;
    const cap = this.times.length;
    for (let k = 0; k < this.size; k++) {
      const at = (this.head + k) % cap;
      excess -= this.weights[at];
      if (excess <= 0) return this.times[at] + windowMs;
    }
    return Number.POSITIVE_INFINITY; // more than the whole limit: never fits
  }

  push(nowMs: number, weight = 1): void {
    if (this.size === this.times.length) this.growTo(this.size * 2);
    const at = (this.head + this.size) % this.times.length;
    this.times[at] = nowMs;
    this.weights[at] = weight;
    this.size++;
    this.sum += weight;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
    this.sum = 0;
  }

  private growTo(capacity: number): void {
    const times = new Float64Array(capacity);
    const weights = new Float64Array(capacity);
    for (let k = 0; k < this.size; k++) {
      times[k] = this.times[(this.head + k) % this.times.length];
      weights[k] = this.weights[(this.head + k) % this.times.length];
    }
    this.times = times;
    this.weights = weights;
    this.head = 0;
  }
}
