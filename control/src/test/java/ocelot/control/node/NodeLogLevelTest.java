package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.function.Supplier;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.ClusterSetting;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running node's log level follows {@code logLevel} with calicoctl 1.x precedence: its own
 * value ({@code config set logLevel X --node=NODE}) over the global one, unset falling back to
 * the global, then the default; other nodes' values do not touch it. A real embedded datastore
 * and its watch.
 */
class NodeLogLevelTest {
    private static final Logger PROBE = LoggerFactory.getLogger("ocelot.control.node.NodeLogLevelTest.probe");

    @TempDir
    Path dir;
    EmbeddedDatastore store;
    ResourceStore settings;
    String levelBefore;

    @BeforeEach
    void open() {
        store = EmbeddedDatastore.open(dir, EmbeddedDatastore.Options.DEFAULTS);
        settings = new ResourceStore(store);
        levelBefore = System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }

    @AfterEach
    void close() {
        NodeLogLevel.stopFollowing();
        NodeLogLevel.set(levelBefore);
        store.close();
    }

    /** Waits (up to 20 s) for the watch to deliver the change, then returns the level in force. */
    static String awaitLevel(String expected) throws InterruptedException {
        for (int i = 0; i < 200 && !expected.equals(NodeLogLevel.inForce()); i++) Thread.sleep(100);
        return NodeLogLevel.inForce();
    }

    @Test
    void theNodesOwnValueOverridesTheGlobalOneAndUnsetFallsBack() throws Exception {
        settings.setSetting(ClusterSetting.LOG_LEVEL, "warning");
        NodeLogLevel.follow(store, "node1", false);
        assertEquals("warning", NodeLogLevel.inForce(), "the global value at start");
        settings.setSetting(ClusterSetting.LOG_LEVEL, "node1", "debug");
        assertEquals("debug", awaitLevel("debug"), "the node's own value wins");
        assertTrue(PROBE.isDebugEnabled(), "applied to running loggers");
        settings.setSetting(ClusterSetting.LOG_LEVEL, "error");
        settings.setSetting(ClusterSetting.LOG_LEVEL, "node2", "none");
        settings.setSetting(ClusterSetting.LOG_LEVEL, "node1", "info"); // a marker after both
        assertEquals("info", awaitLevel("info"), "neither the global nor another node's value overrides node1's");
        assertFalse(PROBE.isDebugEnabled());
        settings.unsetSetting(ClusterSetting.LOG_LEVEL, "node1");
        assertEquals("error", awaitLevel("error"), "unset: the global value again");
        assertFalse(PROBE.isWarnEnabled());
        settings.unsetSetting(ClusterSetting.LOG_LEVEL);
        assertEquals("info", awaitLevel("info"), "neither set: the default");
    }

    @Test
    void aNodeValueSetBeforeStartDecidesAtStart() {
        settings.setSetting(ClusterSetting.LOG_LEVEL, "error");
        settings.setSetting(ClusterSetting.LOG_LEVEL, "node1", "debug");
        NodeLogLevel.follow(store, "node1", false);
        assertEquals("debug", NodeLogLevel.inForce());
        assertTrue(PROBE.isDebugEnabled());
    }

    @Test
    void pinnedByTheFlagOnlyLaterChangesApply() throws Exception {
        Supplier<Boolean> debug = PROBE::isDebugEnabled;
        NodeLogLevel.set("info");
        settings.setSetting(ClusterSetting.LOG_LEVEL, "node1", "debug");
        NodeLogLevel.follow(store, "node1", true);
        assertFalse(debug.get(), "--log-level info holds at start");
        settings.setSetting(ClusterSetting.LOG_LEVEL, "warning"); // global: node1's own value still decides
        settings.setSetting(ClusterSetting.LOG_LEVEL, "node1", "error");
        assertEquals("error", awaitLevel("error"));
        assertFalse(PROBE.isWarnEnabled(), "the node's later change applies");
    }
}
