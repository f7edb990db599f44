// Types for the k6 extension xk6-sse (github.com/phymbert/xk6-sse, module `k6/x/sse`), which
// @types/k6 does not cover. Hand-written from the extension's README and its sse.go at v0.1.12; only
// what the extension really exposes, so a call it does not offer fails the type check.
//
// Behaviour worth knowing (from sse.go): `open` blocks the VU until the stream ends or `close()` is
// called — no timers run meanwhile; handlers run on the VU's thread. Every blank line ends an "event",
// so comment lines (`: keepalive`) and a lone `retry:` arrive as events with an empty `name`.

declare module "k6/x/sse" {
    import { CookieJar } from "k6/http";

    /** The optional second argument of `open`. */
    export interface Params {
        /** HTTP method, default GET. */
        method?: string;
        /** Request headers (`Accept: text/event-stream` is always sent). */
        headers?: Record<string, string>;
        /** Request body. */
        body?: string;
        /** Extra metric tags. */
        tags?: Record<string, string>;
        /** Cookie jar, default the VU's. */
        jar?: CookieJar;
        /**
         * Go duration (`"30s"`, `"1500ms"`) bounding the whole request, stream included; when it expires
         * the `error` handlers run. Default: no limit.
         */
        timeout?: string;
    }

    /** One server-sent event; a field the event did not carry is "". */
    export interface Event {
        id: string;
        /** the `event:` field */
        name: string;
        /** the `data:` lines, joined */
        data: string;
        /** the last comment line's text */
        comment: string;
    }

    /** What `error` handlers receive: a Go error. */
    export interface SseError {
        error(): string;
    }

    /** The client the setup function receives. */
    export interface Client {
        /** after the response headers arrived, before the first event */
        on(event: "open", handler: () => void): void;
        on(event: "event", handler: (event: Event) => void): void;
        /** read errors, the timeout, and failures to close */
        on(event: "error", handler: (error: SseError) => void): void;
        /** Ends the stream; `open` then returns. */
        close(): void;
    }

    /** What `open` returns once the stream has ended. */
    export interface Response {
        url: string;
        /** 0 if no response arrived (then `error` says why) */
        status: number;
        headers: Record<string, string> | null;
        /** "" unless the connection could not be made */
        error: string;
    }

    interface Sse {
        /**
         * Opens a stream, runs `setup` to register handlers, then dispatches events until the stream ends.
         * Throws in the init context.
         */
        open(url: string, params: Params | null, setup: (client: Client) => void): Response;
        open(url: string, setup: (client: Client) => void): Response;
    }

    const sse: Sse;
    export default sse;
}
