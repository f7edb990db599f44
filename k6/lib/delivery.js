// @ts-check
// One subscriber's view of the stream, shared by both transports: latency, gaps, signals, and the
// metrics the thresholds in config.js judge.
import { check } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { publishing } from './config.js';
import { GapCounter } from './gaps.js';
import { readStamp } from './payload.js';

/** send timestamp → frame received, ms; only for events published while the connection was open */
export const deliveryLatency = new Trend('herald_delivery_latency', true);
/** true per event received, false per event missing between the first and the last one seen */
export const delivered = new Rate('herald_delivered');
/** per connection: true if it failed to open, was refused, or ended before the subscriber closed it */
export const connectionErrors = new Rate('herald_connection_errors');
/** reset signals: Herald could not continue from the resume position (never silently) */
export const resets = new Counter('herald_resets');
/** events Herald reported dropping for this subscriber (`dropped` signals), a subset of the gaps */
export const droppedSignalled = new Counter('herald_dropped_signalled');
/** events replayed from history after a reconnect; delivered, but their latency is not a delivery's */
export const replayed = new Counter('herald_replayed');
/** events received twice (replays after a reset, or a resume that went wrong) */
export const duplicates = new Counter('herald_duplicates');
/** events on the topic without our {sent, seq} data, or frames that are not JSON */
export const foreign = new Counter('herald_foreign_frames');

export class Subscriber {
  constructor() {
    this.gaps = new GapCounter();
    /** id of the last event received: where the next connection resumes */
    this.lastId = /** @type {string | null} */ (null);
    this.connectedAt = 0;
    this.received = 0;
  }

  /** The connection is open (headers received / handshake done). */
  opened() {
    this.connectedAt = Date.now();
  }

  /**
   * An event of the topic arrived.
   * @param {string} id
   * @param {unknown} data the event's data, parsed
   */
  event(id, data) {
    const now = Date.now();
    if (id !== '') this.lastId = id;
    const stamp = readStamp(data);
    if (stamp === null) {
      foreign.add(1);
      return;
    }
    const outcome = this.gaps.receive(stamp.seq);
    if (outcome === 'duplicate') {
      duplicates.add(1);
      return;
    }
    this.received++;
    delivered.add(true);
    // an event sent before this connection existed came from history, after a disconnect
    if (stamp.sent < this.connectedAt) replayed.add(1);
    else deliveryLatency.add(now - stamp.sent);
  }

  /** A frame that is not JSON. */
  unreadable() {
    foreign.add(1);
  }

  reset() {
    resets.add(1);
  }

  /** @param {unknown} data the `dropped` signal's data: {topic, count} */
  dropped(data) {
    const count = typeof data === 'object' && data !== null ? /** @type {{ count?: unknown }} */ (data).count : undefined;
    droppedSignalled.add(typeof count === 'number' ? count : 1);
  }

  /** @param {boolean} ok false if the connection failed or the server ended it early */
  connectionEnded(ok) {
    connectionErrors.add(!ok);
    // a sample per connection, so the storm threshold `count==0` is judged on data, not on nothing
    resets.add(0);
  }

  /** The subscriber is done: counts what it missed. */
  finish() {
    if (!publishing) return;
    const missing = this.gaps.finish();
    for (let i = 0; i < missing; i++) delivered.add(false);
    // a subscriber that saw nothing at all has no window to count gaps in; that is a failure too
    if (this.received === 0) delivered.add(false);
    check(this, {
      'subscriber received events': (s) => s.received > 0,
      'subscriber saw no gaps': () => missing === 0,
    });
  }
}
