package ocelot.control.cni;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A CNI error result (spec 1.0, "Error"): {@code {"cniVersion","code","msg","details"}} printed on
 * stdout with a non-zero exit. Codes 1-99 are the spec's well-known ones; {@link #NODE_NOT_READY}
 * is ours (100+ is the plugin's range), used when no Ocelot node answers.
 */
public final class CniError extends RuntimeException {
    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int CONTAINER_UNKNOWN = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODE_FAILURE = 6;
    public static final int INVALID_NETWORK_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    /** Anything else the plugin could not do (IPAM exhausted, datastore unreachable, node refused). */
    public static final int PLUGIN_FAILURE = 100;

    private final int code;
    private final String details;

    public CniError(int code, String msg, String details) {
        super(msg);
        this.code = code;
        this.details = details;
    }

    public int code() {
        return code;
    }

    public String details() {
        return details;
    }

    public ObjectNode toJson(String cniVersion) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("cniVersion", cniVersion).put("code", code).put("msg", getMessage());
        if (details != null && !details.isEmpty()) o.put("details", details);
        return o;
    }
}
