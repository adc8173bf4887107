package ocelot.control.resource;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The v1 resource kinds, with the spellings calicoctl accepts on its command line
 * ({@code ocelotctl get ippools}, {@code get pol}) and the datastore folder each lives in.
 */
public enum Kind {
    NODE("node", "Node", "nodes", "no", "nos"),
    BGP_PEER("bgpPeer", "BGPPeer", "bgppeers", "bgpp", "bgpps", "bp", "bps"),
    HOST_ENDPOINT("hostEndpoint", "HostEndpoint", "hostendpoints", "hep", "heps"),
    WORKLOAD_ENDPOINT("workloadEndpoint", "WorkloadEndpoint", "workloadendpoints", "wep", "weps"),
    IP_POOL("ipPool", "IPPool", "ippools", "ipp", "ipps", "pool", "pools"),
    POLICY("policy", "Policy", "policies", "pol", "pols"),
    PROFILE("profile", "Profile", "profiles", "pro", "pros");

    private final String yamlName;
    private final String displayName;
    private final List<String> aliases;

    Kind(String yamlName, String displayName, String... aliases) {
        this.yamlName = yamlName;
        this.displayName = displayName;
        this.aliases = List.of(aliases);
    }

    /** The {@code kind:} value in YAML, e.g. {@code ipPool}. */
    public String yamlName() {
        return yamlName;
    }

    /** The name in messages, as calicoctl prints it: {@code IPPool(cidr=10.1.0.0/16)}. */
    public String displayName() {
        return displayName;
    }

    public String listName() {
        return yamlName + "List";
    }

    /** The datastore folder under {@code /ocelot/v1/}: the kind in lower case. */
    public String folder() {
        return yamlName.toLowerCase(Locale.ROOT);
    }

    public static Optional<Kind> fromYaml(String kind) {
        return Arrays.stream(values()).filter(k -> k.yamlName.equals(kind)).findFirst();
    }

    /** A kind as typed on the command line: any case, singular, plural or short form. */
    public static Optional<Kind> fromCommandLine(String typed) {
        String t = typed.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(k -> k.yamlName.toLowerCase(Locale.ROOT).equals(t) || k.aliases.contains(t))
                .findFirst();
    }

    public static String yamlNames() {
        return Arrays.stream(values()).map(Kind::yamlName).collect(Collectors.joining(", "));
    }
}
