package ocelot.control.node;

import java.lang.reflect.Field;
import java.util.Locale;
import java.util.Map;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.Snapshot;
import ocelot.control.datastore.WatchEvent;
import ocelot.control.datastore.WatchListener;
import ocelot.control.resource.ClusterSetting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's log level: {@code --log-level} at start, then the cluster setting {@code logLevel}
 * ({@code ocelotctl config set logLevel debug}) followed through the datastore watch, as Felix
 * follows its LogSeverityScreen. slf4j-simple has no API to change a level after start; its
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
     * Follows the cluster setting {@code logLevel} from now on. When {@code pinned} (the node was
     * started with --log-level), the setting's current value is not applied at start, only its changes.
     */
    public static void follow(Datastore store, boolean pinned) {
        String key = ClusterSetting.LOG_LEVEL.datastoreKey();
        Snapshot now = store.list(key);
        if (!pinned) now.items().stream().filter(kv -> kv.key().equals(key)).findFirst().ifPresent(kv -> apply(kv.value()));
        following = store.watch(key, now.revision(), new WatchListener() {
            @Override public void onEvent(WatchEvent event) {
                if (!event.key().equals(key)) return;
                apply(event.type() == WatchEvent.Type.DELETED ? ClusterSetting.LOG_LEVEL.defaultValue() : event.value());
            }

            @Override public void onResync(Snapshot s, String reason) {
                s.items().stream().filter(kv -> kv.key().equals(key)).findFirst().ifPresent(kv -> apply(kv.value()));
            }
        });
    }

    private static void apply(String value) {
        String level = value == null ? "info" : value.replace("\"", "").strip();
        try {
            set(level);
            // logged at warn so the change itself is visible at every level but error/none
            LOG.warn("log level set to {} (cluster setting logLevel)", level);
        } catch (IllegalArgumentException e) {
            LOG.error("cluster setting logLevel ignored: {}", e.getMessage());
        }
    }

    /** Stops following (node stop). */
    public static void stopFollowing() {
        Datastore.Watch w = following;
        following = null;
        if (w != null) w.close();
    }
}
