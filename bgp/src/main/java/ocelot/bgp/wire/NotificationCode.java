package ocelot.bgp.wire;

/** NOTIFICATION error codes and the subcodes this speaker sends (RFC 4271 §4.5, §6; RFC 4486; RFC 5492 §5). */
public final class NotificationCode {
    private NotificationCode() {
    }

    public static final int MESSAGE_HEADER = 1;
    public static final int HEADER_NOT_SYNCHRONIZED = 1;
    public static final int HEADER_BAD_LENGTH = 2;
    public static final int HEADER_BAD_TYPE = 3;

    public static final int OPEN_MESSAGE = 2;
    public static final int OPEN_UNSUPPORTED_VERSION = 1;
    public static final int OPEN_BAD_PEER_AS = 2;
    public static final int OPEN_BAD_BGP_IDENTIFIER = 3;
    public static final int OPEN_UNSUPPORTED_PARAMETER = 4;
    public static final int OPEN_UNACCEPTABLE_HOLD_TIME = 6;
    public static final int OPEN_UNSUPPORTED_CAPABILITY = 7;

    public static final int UPDATE_MESSAGE = 3;
    public static final int UPDATE_MALFORMED_ATTRIBUTE_LIST = 1;
    public static final int UPDATE_UNRECOGNIZED_WELL_KNOWN = 2;
    public static final int UPDATE_MISSING_WELL_KNOWN = 3;
    public static final int UPDATE_ATTRIBUTE_FLAGS = 4;
    public static final int UPDATE_ATTRIBUTE_LENGTH = 5;
    public static final int UPDATE_INVALID_ORIGIN = 6;
    public static final int UPDATE_INVALID_NEXT_HOP = 8;
    public static final int UPDATE_OPTIONAL_ATTRIBUTE = 9;
    public static final int UPDATE_INVALID_NETWORK = 10;
    public static final int UPDATE_MALFORMED_AS_PATH = 11;

    public static final int HOLD_TIMER_EXPIRED = 4;
    public static final int FSM_ERROR = 5;

    public static final int CEASE = 6;
    public static final int CEASE_ADMIN_SHUTDOWN = 2;
    public static final int CEASE_PEER_DECONFIGURED = 3;
    public static final int CEASE_ADMIN_RESET = 4;
    public static final int CEASE_CONNECTION_REJECTED = 5;
    public static final int CEASE_CONNECTION_COLLISION = 7;
    /** RFC 8538 §3: the sender wants the session's routes flushed even with the N bit exchanged. */
    public static final int CEASE_HARD_RESET = 9;
    /** RFC 9384: the session went down because BFD declared the peer down. */
    public static final int CEASE_BFD_DOWN = 10;

    public static final int ROUTE_REFRESH_MESSAGE = 7;

    public static String describe(int code, int subcode) {
        String c = switch (code) {
            case MESSAGE_HEADER -> "Message header error";
            case OPEN_MESSAGE -> "OPEN message error";
            case UPDATE_MESSAGE -> "UPDATE message error";
            case HOLD_TIMER_EXPIRED -> "Hold timer expired";
            case FSM_ERROR -> "Finite state machine error";
            case CEASE -> "Cease";
            case ROUTE_REFRESH_MESSAGE -> "ROUTE-REFRESH message error";
            default -> "Error code " + code;
        };
        String sub = code == CEASE ? switch (subcode) {
            case 1 -> "maximum number of prefixes reached";
            case CEASE_ADMIN_SHUTDOWN -> "administrative shutdown";
            case CEASE_PEER_DECONFIGURED -> "peer de-configured";
            case CEASE_ADMIN_RESET -> "administrative reset";
            case CEASE_CONNECTION_REJECTED -> "connection rejected";
            case 6 -> "other configuration change";
            case CEASE_CONNECTION_COLLISION -> "connection collision resolution";
            case CEASE_HARD_RESET -> "hard reset";
            case CEASE_BFD_DOWN -> "BFD down";
            case 8 -> "out of resources";
            default -> null;
        } : null;
        if (sub != null) return c + " (" + sub + ")";
        return subcode == 0 ? c : c + " (subcode " + subcode + ")";
    }
}
