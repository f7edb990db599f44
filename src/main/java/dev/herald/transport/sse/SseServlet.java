package dev.herald.transport.sse;

import dev.herald.HeraldRuntime;
import dev.herald.hub.Hub;
import dev.herald.hub.HubException;
import dev.herald.security.AuthException;
import dev.herald.security.Grants;
import dev.herald.transport.ClientAddress;
import dev.herald.transport.SubscribeRequest;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** {@code GET /api/events} on the servlet engine (herald.sse.engine=servlet), registered by {@link SseRegistration}. */
final class SseServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient HeraldRuntime runtime;

    SseServlet(HeraldRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Hub hub = runtime.hub();
        SubscribeRequest subscribe = SubscribeRequest.of(request.getParameterValues("topic"),
                request.getHeader("Last-Event-ID"), request.getParameter("lastEventId"));
        try {
            hub.validate(subscribe.topics());
        } catch (HubException e) {
            SseResponses.reject(runtime, response, e);
            return;
        }
        Grants grants;
        try {
            grants = runtime.access().subscriber(subscribe.topics(), request.getHeader("Authorization"),
                    cookie(request, runtime.access().settings().cookie()), request.getParameter("access_token"),
                    request.getHeader("Origin"), request.getHeader("Host"));
        } catch (AuthException e) {
            SseResponses.reject(runtime, response, e);
            return;
        }
        SseResponses.streamHeaders(response);
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        ServletOutputStream out = response.getOutputStream();
        ServletSseSink sink = new ServletSseSink(hub, async, out,
                runtime.config().sseRetry().toMillis(),
                ClientAddress.of(request, runtime.config().limits().addresses()));
        async.addListener(sink);
        try {
            Hub.Subscription subscription = hub.subscribe(subscribe.topics(), subscribe.lastEventId(), sink);
            grants.limit(subscription.subscriber());
        } catch (HubException e) {
            // a limit or the log refused: nothing was written, and the stream is still in blocking mode,
            // so the client gets the status and reason as an ordinary response
            SseResponses.reject(runtime, response, e);
            async.complete();
            return;
        }
        // non-blocking from here; the sink reports "not writable" until the listener is in place
        out.setWriteListener(sink);
        sink.listening();
    }

    private static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (cookie.getName().equals(name)) {
                    return cookie.getValue();
                }
            }
        }
        return null;
    }
}
