package dev.herald.it;

/**
 * A test class running against one Herald that Arquillian deployed for it; the contracts (interfaces with
 * test methods) that several classes share reach the server through it.
 */
interface DeployedHerald {
    /** The server of this class's deployment. */
    HeraldServer server();

    /** herald.sse.engine of the deployment, for messages. */
    String engine();
}
