// @ts-check
// Gap counting by sequence number, without k6 imports so it stays plain arithmetic.
//
// A subscriber can only judge the events between the first one it saw and the last: it does not know
// what was published before it subscribed or after it left. Publishers run concurrently, so sequence
// numbers may arrive slightly out of order (Herald orders by id, which is assigned on arrival); a
// missing number is a gap only once REORDER_WINDOW later numbers have arrived, or at the end.

const REORDER_WINDOW = 1000;

export class GapCounter {
  constructor() {
    /** first sequence number seen, or null before any */
    this.first = /** @type {number | null} */ (null);
    /** every number in [first, next) is accounted for: received or counted missing */
    this.next = 0;
    /** numbers >= next received so far */
    this.ahead = /** @type {Set<number>} */ (new Set());
    this.highest = -1;
    this.missing = 0;
  }

  /**
   * Records one received sequence number.
   * @param {number} seq
   * @returns {'new' | 'duplicate' | 'early'} `early`: before the first one seen, outside the window
   */
  receive(seq) {
    if (this.first === null) {
      this.first = seq;
      this.next = seq + 1;
      this.highest = seq;
      return 'new';
    }
    if (seq < this.first) return 'early';
    if (seq < this.next || this.ahead.has(seq)) return 'duplicate';
    this.ahead.add(seq);
    if (seq > this.highest) this.highest = seq;
    this.advance();
    while (this.ahead.size > REORDER_WINDOW) {
      this.missing++;
      this.next++;
      this.advance();
    }
    return 'new';
  }

  /** @private */
  advance() {
    while (this.ahead.delete(this.next)) this.next++;
  }

  /**
   * Events missing between the first and the last number seen. Call once, at the end.
   * @returns {number}
   */
  finish() {
    if (this.highest >= this.next) this.missing += this.highest - this.next + 1 - this.ahead.size;
    this.ahead.clear();
    this.next = this.highest + 1;
    return this.missing;
  }
}
