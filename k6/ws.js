// @ts-check
// Herald over WebSocket, with k6's `k6/websockets` module (not the legacy `k6/ws`).
//   k6 run -e SCENARIO=fanout -e TOKEN=… k6/ws.js
import exec from 'k6/execution';
import { clearTimeout, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';
import { buildOptions, closeTime, config } from './lib/config.js';
import { Subscriber } from './lib/delivery.js';
import { parseJson, publishEvent } from './lib/payload.js';

export const options = buildOptions();

// a subscriber does not start a connection it would hold for less than this
const SLACK_MS = 100;

export function publish() {
  publishEvent();
}

/**
 * @param {string | null} lastId
 * @returns {string}
 */
function streamUrl(lastId) {
  const base = `${config.baseUrl.replace(/^http/, 'ws')}/ws/events?topic=${encodeURIComponent(config.topic)}`;
  return lastId === null ? base : `${base}&lastEventId=${encodeURIComponent(lastId)}`;
}

/**
 * @param {Subscriber} sub
 * @param {string} text a text frame
 */
function onFrame(sub, text) {
  const frame = /** @type {Record<string, unknown> | null} */ (parseJson(text));
  if (frame === null || typeof frame !== 'object') {
    sub.unreadable();
    return;
  }
  switch (frame.type) {
    case undefined:
      if (frame.topic === config.topic) sub.event(typeof frame.id === 'string' ? frame.id : '', frame.data);
      return;
    case 'reset':
      sub.reset();
      return;
    case 'dropped':
      sub.dropped(frame);
      return;
    default:
      // `subscribed` (first frame, and the answer to subscribe/unsubscribe): nothing to count; the
      // handshake time already marks where live delivery starts
      return;
  }
}

export function subscribe() {
  const deadline = exec.scenario.startTime + config.durationMs;
  const sub = new Subscriber();

  // the socket's handlers run on the VU's event loop; the iteration lasts until the last socket closes
  // and no timer is pending, so each connection schedules the next one itself
  function connect() {
    const closeAt = closeTime(deadline);
    // one `name` (k6 then tags `url` with it too): each resume URL carries its own lastEventId and
    // would otherwise start new metric series
    const ws = new WebSocket(streamUrl(sub.lastId), null, { tags: { name: 'subscribe' } });
    let closing = false;
    let settled = false;
    const timer = setTimeout(() => {
      closing = true;
      // k6 queues a close frame for a writer that only runs once the socket is open: closing while
      // still connecting would stall the VU, so that case closes from the open handler
      if (ws.readyState === ws.OPEN) ws.close(1000);
    }, Math.max(0, closeAt - Date.now()));

    /** @param {boolean} ok */
    function end(ok) {
      // error and close may both arrive, in either order
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sub.connectionEnded(ok);
      if (Date.now() < deadline - SLACK_MS) setTimeout(connect, ok ? 0 : 500);
      else sub.finish();
    }

    ws.addEventListener('open', () => {
      sub.opened();
      if (closing) ws.close(1000);
    });
    ws.addEventListener('message', (e) => {
      if ('data' in e && typeof e.data === 'string') onFrame(sub, e.data);
    });
    ws.addEventListener('error', (e) => {
      if (!closing) console.warn(`ws: ${'error' in e ? e.error : e.type}`);
      end(closing);
    });
    // a close we did not ask for: shutdown (1001), slow consumer or limits (1013), … (k6 reports
    // the code at run time, but @types/k6 does not type it, so it is not read here)
    ws.addEventListener('close', () => end(closing));
  }

  connect();
}
