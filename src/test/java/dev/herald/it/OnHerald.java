package dev.herald.it;

/** What a contract (an interface of shared test methods) needs from the class that runs it. */
interface OnHerald {
    HeraldServer server();

    String engine();
}
