package ocelot.control.node;

import java.lang.reflect.Field;
import java.util.Locale;
import java.util.Map;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.Snapshot;
import ocelot.control.datastore.WatchEvent;
import ocelot.control.datastore.WatchListener;
import ocelot.control.resource.ClusterSetting;
import ocelot.control.resource.ResourceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's log level: {@code --log-level} at start, then the setting {@code logLevel} (this
 * node's own value over the global one: {@code ocelotctl config set logLevel debug [--node=NODE]})
 * followed through the datastore watch, as Felix follows its LogSeverityScreen. slf4j-simple has no API to change a level after start; its
 * loggers keep the level in a field, so the change is applied to every logger created so far
 * and to the default for later ones (the one place the node reaches into its logging backend).
 */
public final class NodeLogLevel {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLogLevel.class);
    /** Calico's level names (and slf4j's) to slf4j-simple's numbers (LocationAwareLogger's). */
    private static final Map<String, Integer> LEVELS = Map.of("trace", 0, "debug", 10, "info", 20, "warn", 30, "warning", 30,
            "error", 40, "critical", 40, "fatal", 40, "none", 50, "off", 50);
    private static volatile Datastore.Watch following;

    private NodeLogLevel() {}

    /** Sets the level by name (Calico's: none, debug, info, warning, error, critical; or slf4j's); throws naming the choices. */
    public static void set(String level) {
        String name = level.strip().toLowerCase(Locale.ROOT);
        Integer value = LEVELS.get(name);
        if (value == null) throw new IllegalArgumentException("log level '" + level + "': must be one of debug, info, warning, error, critical, none");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", switch (value) {
            case 0 -> "trace";
            case 10 -> "debug";
            case 20 -> "info";
            case 30 -> "warn";
            case 40 -> "error";
            default -> "off";
        });
        applyToRunningLoggers(value);
    }

    private static void applyToRunningLoggers(int value) {
        Object factory = LoggerFactory.getILoggerFactory();
        if (!factory.getClass().getName().equals("org.slf4j.simple.SimpleLoggerFactory")) return;
        try {
            Class<?> simpleLogger = Class.forName("org.slf4j.simple.SimpleLogger");
            Field config = simpleLogger.getDeclaredField("CONFIG_PARAMS");
            config.setAccessible(true);
            Object params = config.get(null);
            if (params != null) {
                Field def = params.getClass().getDeclaredField("defaultLogLevel");
                def.setAccessible(true);
                def.setInt(params, value);
            }
            Field map = factory.getClass().getDeclaredField("loggerMap");
            map.setAccessible(true);
            Field current = simpleLogger.getDeclaredField("currentLogLevel");
            current.setAccessible(true);
            for (Object logger : ((Map<?, ?>) map.get(factory)).values()) {
                if (simpleLogger.isInstance(logger)) current.setInt(logger, value);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("log level not changed at run time ({}): restart the node with --log-level", e.toString());
        }
    }

    /**
     * Follows the setting {@code logLevel} from now on: this node's own value
     * ({@code ocelotctl config set logLevel X --node=NODE}) when set, else the global one, else
     * the default (calicoctl 1.x: the per-node value overrides the global). When {@code pinned}
     * (the node was started with --log-level), the level in force at start is not applied, only
     * later changes of the one that decides.
     */
    public static void follow(Datastore store, String node, boolean pinned) {
        String prefix = ResourceKey.ROOT + "config/";
        Choice choice = new Choice(ClusterSetting.LOG_LEVEL.datastoreKey(), ClusterSetting.LOG_LEVEL.nodeKey(node));
        Snapshot now = store.list(prefix);
        choice.reset(now);
        inForce = choice.effective();
        if (!pinned) apply(choice);
        following = store.watch(prefix, now.revision(), new WatchListener() {
            @Override public void onEvent(WatchEvent event) {
                if (choice.take(event.key(), event.type() == WatchEvent.Type.DELETED ? null : event.value())) changed(choice);
            }

            @Override public void onResync(Snapshot s, String reason) {
                choice.reset(s);
                changed(choice);
            }
        });
    }

    /** The level the followed settings choose now (null before {@link #follow}); for status and tests. */
    public static String inForce() {
        return inForce;
    }

    private static volatile String inForce;

    private static synchronized void changed(Choice choice) {
        String level = choice.effective();
        if (level.equals(inForce)) return;
        inForce = level;
        apply(choice);
    }

    /** The global and the node's own value as last seen (watch thread only). */
    private static final class Choice {
        final String globalKey, nodeKey;
        String global, own;

        Choice(String globalKey, String nodeKey) {
            this.globalKey = globalKey;
            this.nodeKey = nodeKey;
        }

        /** Takes a change; false when it is neither key. */
        boolean take(String key, String value) {
            if (key.equals(globalKey)) global = clean(value);
            else if (key.equals(nodeKey)) own = clean(value);
            else return false;
            return true;
        }

        void reset(Snapshot s) {
            global = own = null;
            s.items().forEach(kv -> take(kv.key(), kv.value()));
        }

        String effective() {
            return own != null ? own : global != null ? global : ClusterSetting.LOG_LEVEL.defaultValue();
        }

        String source() {
            return own != null ? "this node's setting logLevel" : global != null ? "cluster setting logLevel" : "logLevel unset: the default";
        }

        private static String clean(String value) {
            return value == null ? null : value.replace("\"", "").strip();
        }
    }

    private static void apply(Choice choice) {
        String level = choice.effective();
        try {
            set(level);
            // logged at warn so the change itself is visible at every level but error/none
            LOG.warn("log level set to {} ({})", level, choice.source());
        } catch (IllegalArgumentException e) {
            LOG.error("{} ignored: {}", choice.source(), e.getMessage());
        }
    }

    /** Stops following (node stop). */
    public static void stopFollowing() {
        Datastore.Watch w = following;
        following = null;
        if (w != null) w.close();
    }
}
