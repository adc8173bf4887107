package ocelot.control.resource;

import java.util.List;

/** {@code kind: bgpPeer}: a global peer (every node peers with it) or a node's own peer. */
public record BgpPeer(Scope scope, String node, IpAddress peerIp, AsNumber asNumber) implements Resource {
    public enum Scope {
        GLOBAL("global"), NODE("node");

        private final String yaml;

        Scope(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    @Override
    public Kind kind() {
        return Kind.BGP_PEER;
    }

    @Override
    public ResourceKey key() {
        return scope == Scope.GLOBAL
                ? new ResourceKey(Kind.BGP_PEER, List.of("scope", "peerIP"), List.of("global", peerIp.toString()))
                : new ResourceKey(Kind.BGP_PEER, List.of("scope", "node", "peerIP"), List.of("node", node, peerIp.toString()));
    }
}
