package dev.herald.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JAX-RS application: publish API, topic info and (with herald.sse.engine=jaxrs) the SSE stream. */
@ApplicationPath("/api")
public class HeraldApplication extends Application {
}
