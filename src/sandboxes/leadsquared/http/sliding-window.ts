/**
 * Timestamps of calls inside a sliding window, in a growable ring buffer. Used both to enforce the
 * rate limit and to measure exactly the most calls any window held (stats).
 */
export class SlidingWindowLog {
  private times: Float64Array;
  private head = 0;
  private size = 0;

  constructor(initialCapacity = 32) {
    this.times = new Float64Array(Math.max(4, initialCapacity));
  }

  get length(): number {
    return this.size;
  }

  /** Drops calls at or before `nowMs - windowMs`: the window is (now - window, now]. */
  evict(nowMs: number, windowMs: number): void {
    const cutoff = nowMs - windowMs;
    const cap = this.times.length;
    while (this.size > 0 && this.times[this.head] <= cutoff) {
      this.head = (this.head + 1) % cap;
      this.size--;
    }
  }

  push(nowMs: number): void {
    if (this.size === this.times.length) this.growTo(this.size * 2);
    this.times[(this.head + this.size) % this.times.length] = nowMs;
    this.size++;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  private growTo(capacity: number): void {
    const next = new Float64Array(capacity);
    for (let k = 0; k < this.size; k++) next[k] = this.times[(this.head + k) % this.times.length];
    this.times = next;
    this.head = 0;
  }
}
