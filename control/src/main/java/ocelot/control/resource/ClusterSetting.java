package ocelot.control.resource;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The settings of {@code ocelotctl config get|set|unset NAME [VALUE] [--node=NODE]} (calicoctl
 * 1.x's {@code config}): each with its default and a check that returns the canonical value.
 * All are global ({@code /ocelot/v1/config/NAME}); logLevel can also be set for one node
 * ({@code /ocelot/v1/config/node/NODE/logLevel}), which wins over the global value there.
 */
public enum ClusterSetting {
    AS_NUMBER("asNumber", "64512", false) {
        @Override
        public String canonical(String value) {
            return AsNumber.parse(value).toString();
        }
    },
    NODE_TO_NODE_MESH("nodeToNodeMesh", "on", false) {
        @Override
        public String canonical(String value) {
            String v = value.toLowerCase(Locale.ROOT);
            if (!v.equals("on") && !v.equals("off")) throw new IllegalArgumentException("nodeToNodeMesh must be on or off, got '" + value + "'");
            return v;
        }
    },
    /** BIRD's {@code hold time} for every session whose bgpPeer sets none (the mesh's always); default RFC 4271's suggested 90 s. */
    BGP_HOLD_TIME("bgpHoldTime", "90", false) {
        @Override
        public String canonical(String value) {
            return Integer.toString(seconds(settingName(), value, BgpPeer.MIN_HOLD_TIME));
        }
    },
    /** BIRD's {@code keepalive time}; {@code auto}: a third of the hold time. */
    BGP_KEEPALIVE_TIME("bgpKeepaliveTime", "auto", false) {
        @Override
        public String canonical(String value) {
            if (value.equalsIgnoreCase("auto")) return "auto";
            return Integer.toString(seconds(settingName(), value, 1));
        }
    },
    /**
     * The restart time, in seconds, the node's BGP sessions advertise in their graceful restart
     * capability (RFC 4724; Calico's BIRD template turns graceful restart on, at BIRD's 120 s):
     * how long peers keep a node's routes, marked stale, after its sessions drop without a
     * NOTIFICATION (the node process killed, or restarting). 0 leaves the capability out, so
     * peers withdraw the node's routes as soon as they see its sessions go.
     */
    GRACEFUL_RESTART_TIME("gracefulRestartTime", "120", false) {
        @Override
        public String canonical(String value) {
            try {
                int s = Integer.parseInt(value.strip());
                if (s >= 0 && s <= 4095) return Integer.toString(s);
            } catch (NumberFormatException e) {
                // named below
            }
            throw new IllegalArgumentException("gracefulRestartTime must be whole seconds in 0..4095 (0: no graceful restart;"
                    + " RFC 4724's restart time has 12 bits), got '" + value + "'");
        }
    },
    /**
     * RFC 8538's N bit on the node's sessions (where graceful restart is on): peers that support
     * it keep a node's routes for the restart time also when its sessions end by a NOTIFICATION
     * or a hold timer expiry. That is what a killed node looks like: its TCP sessions die silently
     * with its TAP and fastpath. Off by default, as Calico's BIRD, which flushes at hold expiry.
     */
    GRACEFUL_RESTART_NOTIFICATION("gracefulRestartNotification", "false", false) {
        @Override
        public String canonical(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("false")) return v;
            throw new IllegalArgumentException("gracefulRestartNotification must be true or false, got '" + value + "'");
        }
    },
    /**
     * BGP multipath: how many equal-cost paths (equal up to the tie-breakers: LOCAL_PREF, AS_PATH
     * length, ORIGIN, MED, eBGP/iBGP) a learned prefix forwards over, as one resilient ECMP route
     * in the fastpath. BIRD's {@code merge paths}, FRR's {@code maximum-paths}; 1 (best path only)
     * by default, as Calico's BIRD, which does not merge paths.
     */
    MAXIMUM_PATHS("maximumPaths", "1", false) {
        @Override
        public String canonical(String value) {
            try {
                int n = Integer.parseInt(value.strip());
                if (n >= 1 && n <= 64) return Integer.toString(n);
            } catch (NumberFormatException e) {
                // named below
            }
            throw new IllegalArgumentException("maximumPaths must be a whole number in 1..64 (1: best path only, no ECMP), got '" + value + "'");
        }
    },
    LOG_LEVEL("logLevel", "info", true) {
        private static final List<String> LEVELS = List.of("none", "debug", "info", "warning", "error", "critical");

        @Override
        public String canonical(String value) {
            String v = value.toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(v)) throw new IllegalArgumentException("logLevel must be one of " + String.join(", ", LEVELS) + ", got '" + value + "'");
            return v;
        }
    };

    /** Where the per-node values live: {@code NODE_PREFIX + NODE + "/" + name}. */
    public static final String NODE_PREFIX = ResourceKey.ROOT + "config/node/";

    private final String settingName;
    private final String defaultValue;
    private final boolean perNode;

    ClusterSetting(String settingName, String defaultValue, boolean perNode) {
        this.settingName = settingName;
        this.defaultValue = defaultValue;
        this.perNode = perNode;
    }

    /** Whether a node may have its own value (calicoctl 1.x: logLevel only). */
    public boolean perNode() {
        return perNode;
    }

    /** The key of {@code node}'s own value; the node name is checked like a node resource's. */
    public String nodeKey(String node) {
        if (!perNode) {
            throw new IllegalArgumentException(settingName + " is cluster-wide: it has no per-node value (leave out --node)");
        }
        String problem = Identifiers.nameProblem(node);
        if (problem != null) throw new IllegalArgumentException("node name: " + problem);
        return NODE_PREFIX + node + "/" + settingName;
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

    private static int seconds(String setting, String value, int min) {
        try {
            int s = Integer.parseInt(value.strip());
            if (s >= min && s <= BgpPeer.MAX_TIMER) return s;
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException(setting + " must be whole seconds in " + min + ".." + BgpPeer.MAX_TIMER
                + (setting.equals("bgpKeepaliveTime") ? " or auto" : "") + ", got '" + value + "'");
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
