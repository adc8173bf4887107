package ocelot.control.policy;

import java.util.Locale;
import java.util.Map;

/** An IP protocol number; Calico rules name it ({@code tcp}, {@code icmpv6}...) or give 0-255. */
public record Protocol(int number) {
    public static final Protocol ICMP = new Protocol(1);
    public static final Protocol TCP = new Protocol(6);
    public static final Protocol UDP = new Protocol(17);
    public static final Protocol ICMPV6 = new Protocol(58);
    public static final Protocol SCTP = new Protocol(132);
    public static final Protocol UDPLITE = new Protocol(136);

    /** The names Calico's v1 API accepts for {@code protocol}/{@code notProtocol}. */
    private static final Map<String, Protocol> NAMES = Map.of(
            "icmp", ICMP, "tcp", TCP, "udp", UDP, "icmpv6", ICMPV6, "sctp", SCTP, "udplite", UDPLITE);

    public Protocol {
        if (number < 0 || number > 255) {
            throw new IllegalArgumentException("protocol number " + number + " is not in 0..255");
        }
    }

    public static Protocol parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Protocol named = NAMES.get(t);
        if (named != null) {
            return named;
        }
        try {
            return new Protocol(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a protocol: use one of "
                    + NAMES.keySet().stream().sorted().toList() + " or a number 0..255", e);
        }
    }

    /** Protocols with ports: Calico only allows {@code ports}/{@code notPorts} with these. */
    public boolean hasPorts() {
        return this.equals(TCP) || this.equals(UDP) || this.equals(SCTP) || this.equals(UDPLITE);
    }

    public boolean isIcmp() {
        return this.equals(ICMP) || this.equals(ICMPV6);
    }

    @Override
    public String toString() {
        for (Map.Entry<String, Protocol> e : NAMES.entrySet()) {
            if (e.getValue().number == number) {
                return e.getKey();
            }
        }
        return Integer.toString(number);
    }
}
