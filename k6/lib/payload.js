// @ts-check
// What the publishers send and how subscribers read it back.
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { config } from './config.js';

/**
 * The JSON data of every load event: when it was sent (epoch ms, the publisher's clock, which is the
 * subscriber's clock too: one k6 process) and its sequence number in this run.
 * @typedef {{ sent: number, seq: number }} Stamp
 */

/**
 * Publishes one event. The iteration number of the `publishers` scenario is unique and counts up over
 * the whole run, so it serves as the sequence number subscribers check for gaps.
 */
export function publishEvent() {
  /** @type {Stamp} */
  const stamp = { sent: Date.now(), seq: exec.scenario.iterationInTest };
  const res = http.post(`${config.baseUrl}/api/topics/${encodeURIComponent(config.topic)}`, JSON.stringify(stamp), {
    headers: { Authorization: `Bearer ${config.token}`, 'Content-Type': 'application/json' },
    tags: { name: 'publish' },
  });
  check(res, {
    'publish: 202': (r) => r.status === 202,
    'publish: id returned': (r) => r.status !== 202 || typeof r.json('id') === 'string',
  });
}

/**
 * The stamp in an event's data, or null for data some other publisher put on the topic.
 * @param {unknown} data the event's data, already parsed
 * @returns {Stamp | null}
 */
export function readStamp(data) {
  if (typeof data !== 'object' || data === null) return null;
  const { sent, seq } = /** @type {{ sent?: unknown, seq?: unknown }} */ (data);
  return typeof sent === 'number' && typeof seq === 'number' ? { sent, seq } : null;
}

/**
 * JSON.parse that returns null instead of throwing: a malformed frame is counted, not fatal.
 * @param {string} text
 * @returns {unknown}
 */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}
