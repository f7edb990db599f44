// @ts-check
// Herald over Server-Sent Events. Needs a k6 with the xk6-sse extension (`k6/x/sse`,
// github.com/phymbert/xk6-sse); see "Load testing with k6" in the README.
//   k6 run -e SCENARIO=fanout -e TOKEN=… k6/sse.js
import { sleep } from 'k6';
import exec from 'k6/execution';
import sse from 'k6/x/sse';
import { buildOptions, closeTime, config } from './lib/config.js';
import { Subscriber } from './lib/delivery.js';
import { parseJson, publishEvent } from './lib/payload.js';

export const options = buildOptions();

// how close to its planned end a stream may stop and still count as closed by us
const SLACK_MS = 100;

export function publish() {
  publishEvent();
}

export function subscribe() {
  const deadline = exec.scenario.startTime + config.durationMs;
  const url = `${config.baseUrl}/api/events?topic=${encodeURIComponent(config.topic)}`;
  const sub = new Subscriber();
  while (Date.now() < deadline - SLACK_MS) {
    const closeAt = closeTime(deadline);
    let closedByUs = false;
    let failed = false;
    // the header, as EventSource sends it; ws.js uses the query parameter
    /** @type {Record<string, string>} */
    const headers = sub.lastId === null ? {} : { 'Last-Event-ID': sub.lastId };
    const res = sse.open(
      url,
      // open blocks and no timer can fire meanwhile: the timeout is what ends a quiet stream on time
      { headers, timeout: `${Math.max(1, closeAt - Date.now())}ms`, tags: { name: 'subscribe' } },
      (client) => {
        client.on('open', () => sub.opened());
        client.on('event', (event) => {
          if (event.name === config.topic) sub.event(event.id, parseJson(event.data));
          else if (event.name === 'herald.reset') sub.reset();
          else if (event.name === 'herald.dropped') sub.dropped(parseJson(event.data));
          if (Date.now() >= closeAt && !closedByUs) {
            closedByUs = true;
            client.close();
          }
        });
        client.on('error', (e) => {
          // close() itself reports a failed close here, from inside the extension's close: calling
          // close() again from there would never return
          if (closedByUs) return;
          if (Date.now() < closeAt - SLACK_MS) {
            failed = true;
            console.warn(`sse: ${e.error()}`);
          }
          // after a read error (or our timeout) the extension waits for close() to end the stream
          closedByUs = true;
          client.close();
        });
      },
    );
    const ok = res.status === 200 && !failed && (closedByUs || Date.now() >= closeAt - SLACK_MS);
    if (res.status !== 200) console.warn(`sse: status ${res.status} ${res.error}`);
    sub.connectionEnded(ok);
    // reconnect at once like a client resuming; after a failure, not in a tight loop
    if (!ok) sleep(0.5);
  }
  sub.finish();
}
