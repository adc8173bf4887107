package ocelot.control.dataplane;

import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resources the dataplane leaves out, by datastore key, with the reason: a damaged record, a
 * policy the classifier lowering refuses, two endpoints claiming one address. Each problem is
 * logged at warn once when it appears and at info when it clears; everything else keeps being
 * published. Driver thread only; {@link #snapshot} is safe from any thread.
 */
final class ResourceProblems {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceProblems.class);
    private final String node;
    private final Map<String, String> current = new TreeMap<>();
    private volatile Map<String, String> published = Map.of();

    ResourceProblems(String node) {
        this.node = node;
    }

    void report(String key, String reason) {
        String old = current.put(key, reason);
        if (!reason.equals(old)) LOG.warn("node {}: dataplane leaves out {}: {}", node, key, reason);
    }

    void clear(String key) {
        if (current.remove(key) != null) LOG.info("node {}: {} is usable again", node, key);
    }

    boolean has(String key) {
        return current.containsKey(key);
    }

    /** Called once per flush: makes the current list visible to other threads. */
    void publish() {
        published = Map.copyOf(current);
    }

    Map<String, String> snapshot() {
        return new TreeMap<>(published);
    }
}
