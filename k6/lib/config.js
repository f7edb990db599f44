// @ts-check
// Run settings from the environment and the k6 options they lead to. Shared by ws.js and sse.js, so
// both transports run the same scenarios with the same thresholds.

/** @typedef {'hold' | 'fanout' | 'storm' | 'soak'} ScenarioName */

/**
 * Defaults per scenario: subscribers, how long, published events per second on the topic.
 * @type {Record<ScenarioName, { vus: number, duration: string, rate: number }>}
 */
const DEFAULTS = {
  hold: { vus: 100, duration: '1m', rate: 0 },
  fanout: { vus: 50, duration: '1m', rate: 10 },
  storm: { vus: 50, duration: '1m', rate: 10 },
  soak: { vus: 100, duration: '1h', rate: 2 },
};

// Publishing starts this long after the subscribers and stops this long before they leave, so every
// event has a subscriber list that is complete and time to arrive: a subscriber counts gaps only
// between the first and the last event it saw.
export const SETTLE_MS = 5000;

// In `storm` a subscriber holds each connection for a random time in this range, then resumes.
const STORM_HOLD_MS = [1000, 5000];

/**
 * k6-style duration ("90s", "5m", "1h30m", "500ms"; a plain number means seconds) to milliseconds.
 * @param {string} text
 * @returns {number}
 */
export function parseDuration(text) {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const unitMs = /** @type {Record<string, number>} */ ({ ms: 1, s: 1000, m: 60000, h: 3600000 });
  let ms = 0;
  let rest = text;
  const part = /^(\d+(?:\.\d+)?)(ms|s|m|h)/;
  while (rest.length > 0) {
    const m = part.exec(rest);
    if (m === null) throw new Error(`DURATION: cannot read "${text}" (use e.g. 90s, 5m, 1h30m)`);
    ms += Number(m[1]) * unitMs[m[2]];
    rest = rest.slice(m[0].length);
  }
  return ms;
}

/**
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
function envNumber(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}: expected a non-negative number, got "${raw}"`);
  return n;
}

/** @returns {ScenarioName} */
function scenarioName() {
  const name = __ENV.SCENARIO || 'fanout';
  if (!Object.prototype.hasOwnProperty.call(DEFAULTS, name)) {
    throw new Error(`SCENARIO: expected one of ${Object.keys(DEFAULTS).join(', ')}, got "${name}"`);
  }
  return /** @type {ScenarioName} */ (name);
}

const scenario = scenarioName();
const defaults = DEFAULTS[scenario];
const duration = __ENV.DURATION || defaults.duration;

export const config = {
  scenario,
  baseUrl: (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, ''),
  // HERALD_PUBLISH_TOKEN: what the compose stack's env file gives the k6 container
  token: __ENV.TOKEN || __ENV.HERALD_PUBLISH_TOKEN || '',
  topic: __ENV.TOPIC || 'k6-load',
  vus: Math.floor(envNumber('VUS', defaults.vus)),
  duration,
  durationMs: parseDuration(duration),
  /** events per second published to the topic; 0 = nobody publishes */
  rate: envNumber('RATE', defaults.rate),
};

/** Whether this run publishes, and so measures delivery. */
export const publishing = config.scenario !== 'hold' && config.rate > 0;

if (publishing && config.token === '') {
  throw new Error(`SCENARIO=${config.scenario} publishes: set TOKEN to Herald's publish token (-e TOKEN=…)`);
}
if (publishing && config.durationMs < 3 * SETTLE_MS) {
  throw new Error(`DURATION: at least ${(3 * SETTLE_MS) / 1000}s for a scenario that publishes`);
}

/**
 * When a subscriber should close the connection it is opening now.
 * @param {number} deadline epoch ms at which the subscriber stops for good
 * @returns {number} epoch ms
 */
export function closeTime(deadline) {
  if (config.scenario !== 'storm') return deadline;
  const [min, max] = STORM_HOLD_MS;
  return Math.min(deadline, Date.now() + min + Math.random() * (max - min));
}

/** @param {number} ms */
function seconds(ms) {
  return `${Math.ceil(ms / 1000)}s`;
}

/**
 * The k6 options of a transport script: a `subscribers` scenario running the script's `subscribe`
 * function once per VU, and, if the run publishes, a `publishers` scenario running `publish` at RATE.
 * Thresholds are Herald's SLOs (README, "Alerts"): 99 % of deliveries within 250 ms, 99.9 % of events delivered.
 * @returns {import('k6/options').Options}
 */
export function buildOptions() {
  /** @type {Record<string, import('k6/options').Scenario>} */
  const scenarios = {
    subscribers: {
      executor: 'per-vu-iterations',
      exec: 'subscribe',
      vus: config.vus,
      iterations: 1,
      // each subscriber ends itself at DURATION; this only bounds a stuck one
      maxDuration: seconds(config.durationMs + 30000),
    },
  };
  /** @type {Record<string, import('k6/options').Threshold[]>} */
  const thresholds = {
    // failed handshakes, refusals and connections the server ended early, per connection
    herald_connection_errors: ['rate<0.01'],
  };
  if (publishing) {
    scenarios.publishers = {
      executor: 'constant-arrival-rate',
      exec: 'publish',
      rate: config.rate,
      timeUnit: '1s',
      startTime: seconds(SETTLE_MS),
      duration: seconds(config.durationMs - 2 * SETTLE_MS),
      preAllocatedVUs: Math.max(2, Math.ceil(config.rate / 20)),
      maxVUs: Math.max(10, Math.ceil(config.rate)),
    };
    thresholds.herald_delivery_latency = ['p(99)<250'];
    thresholds.herald_delivered = ['rate>0.999'];
    thresholds['http_req_failed{scenario:publishers}'] = ['rate<0.001'];
  }
  if (config.scenario === 'storm') {
    // every reconnect resumes from the last id it saw, well inside the history window: a reset means
    // Herald could not continue the stream
    thresholds.herald_resets = ['count==0'];
  }
  return { scenarios, thresholds };
}
