package ocelot.control.resource;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The cluster-wide settings of {@code ocelotctl config get|set NAME VALUE} (calicoctl's
 * {@code config}): each with its default and a check that returns the canonical value.
 */
public enum ClusterSetting {
    AS_NUMBER("asNumber", "64512") {
        @Override
        public String canonical(String value) {
            return AsNumber.parse(value).toString();
        }
    },
    NODE_TO_NODE_MESH("nodeToNodeMesh", "on") {
        @Override
        public String canonical(String value) {
            String v = value.toLowerCase(Locale.ROOT);
            if (!v.equals("on") && !v.equals("off")) throw new IllegalArgumentException("nodeToNodeMesh must be on or off, got '" + value + "'");
            return v;
        }
    },
    LOG_LEVEL("logLevel", "info") {
        private static final List<String> LEVELS = List.of("none", "debug", "info", "warning", "error", "critical");

        @Override
        public String canonical(String value) {
            String v = value.toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(v)) throw new IllegalArgumentException("logLevel must be one of " + String.join(", ", LEVELS) + ", got '" + value + "'");
            return v;
        }
    };

    private final String settingName;
    private final String defaultValue;

    ClusterSetting(String settingName, String defaultValue) {
        this.settingName = settingName;
        this.defaultValue = defaultValue;
    }

    public String settingName() {
        return settingName;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String datastoreKey() {
        return ResourceKey.ROOT + "config/" + settingName;
    }

    /** The value as stored; throws IllegalArgumentException naming what is accepted. */
    public abstract String canonical(String value);

    public static Optional<ClusterSetting> named(String name) {
        return Arrays.stream(values()).filter(s -> s.settingName.equalsIgnoreCase(name)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(ClusterSetting::settingName).collect(Collectors.joining(", "));
    }
}
