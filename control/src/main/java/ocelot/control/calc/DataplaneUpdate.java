package ocelot.control.calc;

import java.util.List;
import java.util.Set;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.IpAddress;

/**
 * Everything the calculation graph tells a dataplane, and the only thing it tells it. A flush
 * orders them so that every reference resolves when applied in sequence: IP sets, then
 * policies and profiles, then endpoints, then removals in the opposite order.
 */
public sealed interface DataplaneUpdate {

    /** Create or replace an IP set with exactly {@code members}. */
    record IpSetReplace(IpSetKey key, Set<IpSetMember> members) implements DataplaneUpdate {
    }

    /** Incremental change of an existing set; {@code added} and {@code removed} are disjoint. */
    record IpSetDelta(IpSetKey key, Set<IpSetMember> added, Set<IpSetMember> removed) implements DataplaneUpdate {
    }

    record IpSetRemove(IpSetKey key) implements DataplaneUpdate {
    }

    /** Create or replace a policy's compiled rules. */
    record PolicyUpdate(String name, CompiledRules rules) implements DataplaneUpdate {
    }

    record PolicyRemove(String name) implements DataplaneUpdate {
    }

    record ProfileUpdate(String id, CompiledRules rules) implements DataplaneUpdate {
    }

    record ProfileRemove(String id) implements DataplaneUpdate {
    }

    /**
     * A local endpoint with what to run, in order, per direction: the policies that select it
     * and apply in that direction (by order, then name), then the existing profiles it lists.
     */
    record EndpointUpdate(EndpointKey key, List<IpAddress> addresses, List<String> ingressPolicies,
                          List<String> egressPolicies, List<String> profiles) implements DataplaneUpdate {
        public EndpointUpdate {
            addresses = List.copyOf(addresses);
            ingressPolicies = List.copyOf(ingressPolicies);
            egressPolicies = List.copyOf(egressPolicies);
            profiles = List.copyOf(profiles);
        }
    }

    record EndpointRemove(EndpointKey key) implements DataplaneUpdate {
    }
}
