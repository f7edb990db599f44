// k6 provides a global `console` (https://grafana.com/docs/k6/latest/javascript-api/#console) that
// @types/k6 does not declare; lib "dom" would, but would also bring browser globals k6 lacks.
declare var console: {
    log(...args: unknown[]): void;
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
};
