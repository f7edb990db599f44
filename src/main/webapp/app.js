'use strict';
/*
 * Herald live dashboard.
 *
 * Two parts: `Core` holds pure helpers (no DOM, unit-testable with node), and
 * `boot()` wires the page: one connection at a time (SSE or WebSocket), each
 * event updating the existing DOM nodes in place so a few dozen events per
 * second stay cheap. Every piece of network data reaches the DOM through
 * textContent / setAttribute only, never innerHTML.
 */

const Core = (() => {
  const TOPICS = ['prices', 'inventory', 'alerts'];
  const LEVELS = ['info', 'warning', 'critical'];
  const CLOSE_NAMES = {
    1000: 'normal', 1001: 'going away', 1003: 'unsupported data', 1006: 'abnormal',
    1008: 'policy violation', 1011: 'server error', 1013: 'try again later',
  };

  const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

  /** Exponential backoff with ±50 % jitter so clients dropped together do not return together.
   *  The upper bound is clamped to `max`, so at the cap the delay spreads over [max/2, max]. */
  function backoffDelay(attempt, rand = Math.random, base = 500, max = 15000) {
    const exp = Math.min(max, base * 2 ** Math.min(Math.max(attempt, 0), 30));
    const lo = exp / 2, hi = Math.min(max, exp * 1.5);
    return Math.round(lo + (hi - lo) * rand());
  }

  function topicQuery(lastId) {
    const q = new URLSearchParams();
    TOPICS.forEach((t) => q.append('topic', t));
    if (lastId) q.set('lastEventId', lastId);
    return q.toString();
  }

  /** Relative on purpose: the WAR may be deployed under any context root. */
  const sseUrl = (lastId) => 'api/events?' + topicQuery(lastId);

  /** WebSocket needs an absolute URL: scheme + host + the directory of the page path. */
  function wsUrl(loc, lastId) {
    const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
    const dir = loc.pathname.replace(/[^/]*$/, ''); // '/ctx/index.html' -> '/ctx/'
    return scheme + '//' + loc.host + dir + 'ws/events?' + topicQuery(lastId);
  }

  const formatPrice = (p) => Number(p).toFixed(2);

  function formatSigned(n, digits = 2) {
    if (!isNum(n)) return '—';
    const s = Math.abs(n).toFixed(digits);
    if (Number(s) === 0) return s;
    return (n > 0 ? '+' : '−') + s;
  }

  /** Delta and direction of a price tick; the published change wins, else compare with the previous price. */
  function priceMove(price, prev, change) {
    const delta = isNum(change) ? change : isNum(prev) ? price - prev : null;
    const dir = delta === null || delta === 0 ? 0 : delta > 0 ? 1 : -1;
    const base = delta === null ? null : price - delta;
    const pct = base ? (delta / base) * 100 : null;
    return { delta, dir, pct };
  }

  /** SVG polyline points for a sparkline of `values` inside w x h. */
  function sparkPoints(values, w, h, pad = 2) {
    if (values.length < 2) return '';
    const min = Math.min(...values);
    const range = Math.max(...values) - min;
    const step = w / (values.length - 1);
    return values.map((v, i) => {
      const y = range === 0 ? h / 2 : h - pad - ((v - min) / range) * (h - 2 * pad);
      return (i * step).toFixed(1) + ',' + y.toFixed(1);
    }).join(' ');
  }

  function tryJson(text) {
    if (typeof text !== 'string') return text;
    try { return JSON.parse(text); } catch (e) { return undefined; }
  }

  /** Normalises a WebSocket text frame into {kind:'event'|'signal', ...} or null. */
  function parseWsMessage(text) {
    const msg = tryJson(text);
    if (!msg || typeof msg !== 'object') return null;
    if (typeof msg.type === 'string') return { kind: 'signal', ...msg };
    if (typeof msg.topic !== 'string') return null;
    return {
      kind: 'event',
      id: msg.id == null ? '' : String(msg.id),
      topic: msg.topic,
      data: tryJson(msg.data),
    };
  }

  /** "1008 policy violation · slow-consumer" from a close code and its (JSON or plain) reason. */
  function describeClose(code, reason) {
    let text = reason || '';
    const parsed = tryJson(reason);
    if (parsed && typeof parsed === 'object') {
      text = parsed.reason || parsed.message || parsed.error || JSON.stringify(parsed);
    }
    const name = CLOSE_NAMES[code];
    return [String(code), name, text].filter(Boolean).join(' · ');
  }

  const level = (l) => (LEVELS.includes(l) ? l : 'info');
  const toInt = (n) => (Number.isFinite(Number(n)) ? Math.trunc(Number(n)) : null);

  const timeFmt = typeof Intl !== 'undefined'
    ? new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
    : null;
  function formatTime(ts) {
    const d = new Date(isNum(ts) ? ts : Date.now());
    return timeFmt ? timeFmt.format(d) : d.toISOString().slice(11, 19);
  }

  return {
    TOPICS, backoffDelay, sseUrl, wsUrl, formatPrice, formatSigned, priceMove,
    sparkPoints, parseWsMessage, describeClose, tryJson, level, toInt, formatTime,
  };
})();

function boot() {
  const $ = (id) => document.getElementById(id);
  const SVG = 'http://www.w3.org/2000/svg';
  const MAX_SYMBOLS = 100, MAX_SKUS = 200, MAX_ALERTS = 50, SPARK_POINTS = 30;
  const SPARK_W = 90, SPARK_H = 22;
  const STABLE_MS = 5000; // a connection open this long resets the backoff

  const el = {
    state: $('state'), transport: $('transport'), retry: $('retry'),
    btnSse: $('transport-sse'), btnWs: $('transport-ws'),
    events: $('count-events'), resets: $('count-resets'), drops: $('count-drops'),
    reconnects: $('count-reconnects'), lastId: $('last-id'), lastClose: $('last-close'),
    rate: $('rate'), dropsDetail: $('drops-detail'), dropsStat: $('stat-drops'),
    notice: $('notice'), noticeText: $('notice-text'),
    priceRows: $('price-rows'), priceCount: $('price-count'), pricesEmpty: $('prices-empty'),
    inventory: $('inventory'), inventoryCount: $('inventory-count'), inventoryEmpty: $('inventory-empty'),
    alerts: $('alerts'), alertsEmpty: $('alerts-empty'),
  };

  const counts = { events: 0, resets: 0, drops: 0, reconnects: 0 };
  const alertLevels = { info: 0, warning: 0, critical: 0 };
  const app = { transport: 'sse', conn: null, lastId: '', attempt: 0, retryAt: 0, retryTimer: 0 };

  // ---------------------------------------------------------------- status
  function setState(s) {
    if (el.state.textContent !== s) el.state.textContent = s;
    el.state.setAttribute('data-state', s);
  }

  function setCount(name, value) {
    counts[name] = value;
    el[name].textContent = String(value);
  }

  function pulse(node, color) {
    if (node.animate) node.animate([{ backgroundColor: color }, { backgroundColor: 'transparent' }], { duration: 900, easing: 'ease-out' });
  }

  let noticeTimer = 0;
  function showNotice(text) {
    el.noticeText.textContent = text;
    el.notice.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { el.notice.hidden = true; }, 15000);
  }
  $('notice-close').addEventListener('click', () => { el.notice.hidden = true; });

  // ------------------------------------------------------------ connection
  /** Each connection is an object; handlers ignore callbacks from anything but app.conn, so a
   *  late message from a transport we just switched away from can never touch the page. */
  function connect(retrying) {
    clearTimeout(app.retryTimer);
    app.retryAt = 0;
    const conn = { kind: app.transport, openedAt: 0, source: null, ws: null };
    app.conn = conn;
    setState(retrying ? 'reconnecting' : 'connecting');
    if (conn.kind === 'ws') openWs(conn); else openSse(conn);
  }

  function disconnect() {
    const conn = app.conn;
    app.conn = null;
    clearTimeout(app.retryTimer);
    app.retryAt = 0;
    if (!conn) return;
    if (conn.source) conn.source.close();
    if (conn.ws) { try { conn.ws.close(1000, 'switching transport'); } catch (e) { /* already closing */ } }
    setState('closed');
  }

  function scheduleRetry(conn) {
    if (conn !== app.conn) return;
    if (conn.openedAt && Date.now() - conn.openedAt >= STABLE_MS) app.attempt = 0;
    const delay = Core.backoffDelay(app.attempt++);
    setCount('reconnects', counts.reconnects + 1);
    setState('reconnecting');
    app.retryAt = Date.now() + delay;
    app.retryTimer = setTimeout(() => { if (app.conn === conn) connect(true); }, delay);
  }

  function opened(conn) {
    if (conn !== app.conn) return;
    conn.openedAt = Date.now();
    setState('open');
  }

  function openSse(conn) {
    const es = new EventSource(Core.sseUrl(app.lastId));
    conn.source = es;
    es.onopen = () => opened(conn);
    es.onerror = () => {
      if (conn !== app.conn) return;
      if (es.readyState === EventSource.CONNECTING) {
        // The browser retries by itself and resends Last-Event-ID; we only reflect it.
        setCount('reconnects', counts.reconnects + 1);
        setState('reconnecting');
        el.lastClose.textContent = 'SSE stream interrupted · retrying';
      } else {
        // CLOSED: the browser gave up (HTTP error, wrong content type); retry with our own backoff.
        es.close();
        el.lastClose.textContent = 'SSE request failed · backing off';
        scheduleRetry(conn);
      }
    };
    Core.TOPICS.forEach((topic) => es.addEventListener(topic, (ev) => {
      if (conn === app.conn) onEvent(topic, ev.lastEventId, Core.tryJson(ev.data));
    }));
    es.addEventListener('herald.reset', (ev) => { if (conn === app.conn) onReset(Core.tryJson(ev.data)); });
    es.addEventListener('herald.dropped', (ev) => { if (conn === app.conn) onDropped(Core.tryJson(ev.data)); });
  }

  function openWs(conn) {
    let ws;
    try {
      ws = new WebSocket(Core.wsUrl(location, app.lastId));
    } catch (e) {
      el.lastClose.textContent = 'WebSocket failed: ' + e.message;
      scheduleRetry(conn);
      return;
    }
    conn.ws = ws;
    ws.onopen = () => opened(conn);
    ws.onmessage = (ev) => {
      if (conn !== app.conn || typeof ev.data !== 'string') return;
      const msg = Core.parseWsMessage(ev.data);
      if (!msg) return;
      if (msg.kind === 'event') onEvent(msg.topic, msg.id, msg.data);
      else if (msg.type === 'reset') onReset(msg);
      else if (msg.type === 'dropped') onDropped(msg);
      // heartbeats and unknown signal types are ignored on purpose
    };
    // 'error' is always followed by 'close', so all the handling lives there.
    ws.onclose = (ev) => {
      if (conn !== app.conn) return;
      el.lastClose.textContent = Core.describeClose(ev.code, ev.reason);
      scheduleRetry(conn);
    };
  }

  function switchTo(kind) {
    kind = kind === 'ws' ? 'ws' : 'sse';
    // replaceState keeps reloads on the same transport without a history entry per click.
    if (location.hash !== '#' + kind) history.replaceState(null, '', '#' + kind);
    el.btnSse.setAttribute('aria-pressed', String(kind === 'sse'));
    el.btnWs.setAttribute('aria-pressed', String(kind === 'ws'));
    if (kind === app.transport && app.conn) return;
    disconnect();
    app.transport = kind;
    app.attempt = 0;
    el.transport.textContent = kind;
    connect(false); // resumes from app.lastId via the lastEventId query parameter
  }

  // ---------------------------------------------------------------- events
  function onEvent(topic, id, data) {
    setCount('events', counts.events + 1);
    if (id) { app.lastId = id; el.lastId.textContent = id; }
    if (!data || typeof data !== 'object') return;
    if (topic === 'prices') updatePrice(data);
    else if (topic === 'inventory') updateStock(data);
    else if (topic === 'alerts') addAlert(data, id);
  }

  function onReset(sig) {
    setCount('resets', counts.resets + 1);
    const topics = sig && Array.isArray(sig.topics) ? sig.topics.join(', ') : 'some topics';
    const from = sig && sig.oldest ? ' (oldest retained: ' + sig.oldest + ')' : '';
    showNotice('History could not resume for ' + topics + '; replaying everything still retained' + from + '.');
  }

  function onDropped(sig) {
    const n = Math.max(0, Core.toInt(sig && sig.count) || 0);
    setCount('drops', counts.drops + n);
    el.dropsDetail.textContent = 'last: ' + String((sig && sig.topic) || '?') + ' ×' + n;
    pulse(el.dropsStat, 'rgba(245, 185, 66, 0.35)');
  }

  /** Inserts `node` among `parent`'s children ordered by `key` (plain code-unit order). */
  function insertSorted(parent, node, key, attr) {
    let before = null;
    for (const child of parent.children) {
      if (child.getAttribute(attr) > key) { before = child; break; }
    }
    parent.insertBefore(node, before);
  }

  /** Keeps a keyed map under `max` entries by evicting the least recently updated one. */
  function evictOldest(map, max) {
    if (map.size <= max) return;
    let oldestKey = null, oldest = Infinity;
    for (const [k, v] of map) if (v.touched < oldest) { oldest = v.touched; oldestKey = k; }
    map.get(oldestKey).node.remove();
    map.delete(oldestKey);
  }

  // ---------------------------------------------------------------- prices
  const prices = new Map(); // symbol -> { node, cells, spark, history, last, touched }

  function createPriceRow(symbol) {
    const tr = document.createElement('tr');
    tr.setAttribute('data-symbol', symbol);
    const cell = (cls) => { const td = document.createElement('td'); td.className = cls; tr.appendChild(td); return td; };
    const cells = { symbol: cell('symbol'), price: cell('price num'), dir: cell('dir'), change: cell('change num'),
      pct: cell('pct num'), trend: cell('trend'), time: cell('time num muted') };
    cells.symbol.textContent = symbol;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + SPARK_W + ' ' + SPARK_H);
    svg.setAttribute('width', SPARK_W);
    svg.setAttribute('height', SPARK_H);
    svg.setAttribute('class', 'spark');
    const line = document.createElementNS(SVG, 'polyline');
    svg.appendChild(line);
    cells.trend.appendChild(svg);
    const entry = { node: tr, cells, spark: svg, line, history: [], last: null, touched: Date.now() };
    prices.set(symbol, entry);
    insertSorted(el.priceRows, tr, symbol, 'data-symbol');
    evictOldest(prices, MAX_SYMBOLS);
    el.pricesEmpty.hidden = true;
    el.priceCount.textContent = prices.size + (prices.size === 1 ? ' symbol' : ' symbols');
    return entry;
  }

  function updatePrice(d) {
    const price = Number(d.price);
    if (typeof d.symbol !== 'string' || !d.symbol || d.price == null || !Number.isFinite(price)) return;
    const e = prices.get(d.symbol) || createPriceRow(d.symbol);
    const move = Core.priceMove(price, e.last, d.change);
    e.last = price;
    e.touched = Date.now();
    e.history.push(price);
    if (e.history.length > SPARK_POINTS) e.history.shift();

    const c = e.cells;
    c.price.textContent = Core.formatPrice(price);
    c.change.textContent = Core.formatSigned(move.delta);
    c.pct.textContent = move.pct === null ? '—' : Core.formatSigned(move.pct) + '%';
    c.time.textContent = Core.formatTime(d.ts);
    c.dir.textContent = move.dir > 0 ? '▲' : move.dir < 0 ? '▼' : '•';
    e.node.setAttribute('data-dir', move.dir > 0 ? 'up' : move.dir < 0 ? 'down' : 'flat');

    e.line.setAttribute('points', Core.sparkPoints(e.history, SPARK_W, SPARK_H));
    const h = e.history;
    e.spark.setAttribute('class', 'spark ' + (h[h.length - 1] >= h[0] ? 'up' : 'down'));

    if (move.dir !== 0 && e.node.animate) {
      if (e.flash) e.flash.cancel();
      const color = move.dir > 0 ? 'rgba(31, 210, 134, 0.22)' : 'rgba(255, 92, 108, 0.22)';
      e.flash = e.node.animate([{ backgroundColor: color }, { backgroundColor: 'transparent' }], { duration: 700, easing: 'ease-out' });
    }
  }

  // ------------------------------------------------------------- inventory
  const skus = new Map(); // sku -> { node, stock, name, wh, delta, bar, peak, last, touched }

  function createCard(sku) {
    const card = document.createElement('div');
    card.className = 'card';
    card.setAttribute('data-sku', sku);
    const part = (parent, tag, cls) => { const n = document.createElement(tag); n.className = cls; parent.appendChild(n); return n; };
    const top = part(card, 'div', 'card-top');
    part(top, 'span', 'sku').textContent = sku;
    const wh = part(top, 'span', 'warehouse');
    const name = part(card, 'div', 'name');
    const bottom = part(card, 'div', 'card-bottom');
    const stock = part(bottom, 'span', 'stock');
    part(bottom, 'span', 'unit').textContent = 'in stock';
    const delta = part(bottom, 'span', 'delta');
    const bar = part(part(card, 'div', 'bar'), 'span', 'fill');
    const entry = { node: card, stock, name, wh, delta, bar, peak: 0, last: null, touched: Date.now() };
    skus.set(sku, entry);
    insertSorted(el.inventory, card, sku, 'data-sku');
    evictOldest(skus, MAX_SKUS);
    el.inventoryEmpty.hidden = true;
    el.inventoryCount.textContent = skus.size + (skus.size === 1 ? ' SKU' : ' SKUs');
    return entry;
  }

  function updateStock(d) {
    const stock = Core.toInt(d.stock);
    if (typeof d.sku !== 'string' || !d.sku || d.stock == null || stock === null) return;
    const e = skus.get(d.sku) || createCard(d.sku);
    e.touched = Date.now();
    e.stock.textContent = String(stock);
    e.name.textContent = d.name == null ? '' : String(d.name);
    e.wh.textContent = d.warehouse == null ? '' : String(d.warehouse);
    e.node.classList.toggle('low', stock < 10);
    e.node.classList.toggle('out', stock <= 0);
    // Bar relative to the highest stock seen for this SKU: shows depletion at a glance.
    e.peak = Math.max(e.peak, stock, 1);
    e.bar.style.width = Math.max(0, Math.min(100, (stock / e.peak) * 100)).toFixed(1) + '%';
    if (e.last !== null && stock !== e.last) {
      const diff = stock - e.last;
      e.delta.textContent = Core.formatSigned(diff, 0);
      e.delta.setAttribute('data-dir', diff > 0 ? 'up' : 'down');
      pulse(e.node, diff > 0 ? 'rgba(31, 210, 134, 0.16)' : 'rgba(255, 92, 108, 0.16)');
    }
    e.last = stock;
  }

  // ---------------------------------------------------------------- alerts
  const alertIds = new Set(); // ids currently shown: a reset replays history, don't show an alert twice

  function addAlert(d, id) {
    if (id && alertIds.has(id)) return;
    const lvl = Core.level(d.level);
    const li = document.createElement('li');
    li.className = 'alert ' + lvl;
    if (id) { li.setAttribute('data-id', id); alertIds.add(id); }
    const part = (tag, cls, text) => { const n = document.createElement(tag); n.className = cls; n.textContent = text; li.appendChild(n); };
    part('span', 'level', lvl);
    part('span', 'message', d.message == null ? '' : String(d.message));
    part('span', 'source', d.source == null ? '' : String(d.source));
    part('time', 'time', Core.formatTime(d.ts));
    el.alerts.insertBefore(li, el.alerts.firstChild);
    while (el.alerts.children.length > MAX_ALERTS) {
      const old = el.alerts.lastElementChild;
      alertIds.delete(old.getAttribute('data-id'));
      old.remove();
    }
    alertLevels[lvl] += 1;
    $('alerts-' + lvl).textContent = String(alertLevels[lvl]);
    el.alertsEmpty.hidden = true;
  }

  // ------------------------------------------------------------------ wire
  el.btnSse.addEventListener('click', () => switchTo('sse'));
  el.btnWs.addEventListener('click', () => switchTo('ws'));
  window.addEventListener('hashchange', () => switchTo(location.hash === '#ws' ? 'ws' : 'sse'));
  window.addEventListener('pagehide', disconnect);

  // One slow ticker for the event rate and the retry countdown (nothing per event).
  let lastCount = 0, lastTick = Date.now();
  setInterval(() => {
    const now = Date.now();
    if (now - lastTick >= 1000) {
      el.rate.textContent = String(Math.round(((counts.events - lastCount) * 1000) / (now - lastTick)));
      lastCount = counts.events;
      lastTick = now;
    }
    el.retry.textContent = app.retryAt ? 'retry in ' + (Math.max(0, app.retryAt - now) / 1000).toFixed(1) + ' s' : '';
  }, 250);

  // A page restored from the back/forward cache had its connection closed by 'pagehide'.
  window.addEventListener('pageshow', (ev) => { if (ev.persisted && !app.conn) connect(false); });

  // Start on the transport named by the hash (default SSE); app.conn is null, so this connects.
  switchTo(location.hash === '#ws' ? 'ws' : 'sse');

  // Small console handle for poking at the page by hand.
  window.herald = { switchTo, counts, get lastId() { return app.lastId; } };
}

if (typeof module !== 'undefined' && module.exports) {
  module.exports = Core; // node: unit tests of the pure helpers
} else if (typeof document !== 'undefined') {
  boot();
}
