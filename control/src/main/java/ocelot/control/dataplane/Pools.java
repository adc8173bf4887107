package ocelot.control.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ocelot.control.resource.IpPool;
import ocelot.fastpath.state.Ip6Pool;

/**
 * Calico's IP pools as the fastpath's {@link ocelot.fastpath.state.IpPool} (IPv4: IPIP mode and
 * natOutgoing) and {@link Ip6Pool} (natOutgoing; Calico has no IPv6 tunnels). Disabled pools stay:
 * disabling stops new assignments, while the addresses already given out keep their NAT and
 * tunnelling. Pools that overlap one the fastpath already got are left out, named (the fastpath
 * would refuse the whole state). Driver thread only.
 */
final class Pools {
    private final Map<String, IpPool> byKey = new TreeMap<>();
    private List<ocelot.fastpath.state.IpPool> v4 = List.of();
    private List<Ip6Pool> v6 = List.of();
    private List<IpPool> accepted = List.of();

    void put(String key, IpPool pool) {
        byKey.put(key, pool);
    }

    void remove(String key) {
        byKey.remove(key);
    }

    /** Lowers every pool; reports the ones left out. */
    void lower(ResourceProblems problems) {
        List<ocelot.fastpath.state.IpPool> four = new ArrayList<>();
        List<Ip6Pool> six = new ArrayList<>();
        List<IpPool> ok = new ArrayList<>();
        for (Map.Entry<String, IpPool> e : byKey.entrySet()) {
            IpPool p = e.getValue();
            IpPool clash = ok.stream().filter(o -> o.cidr().overlaps(p.cidr())).findFirst().orElse(null);
            if (clash != null) {
                problems.report(e.getKey(), "IP pool " + p.cidr() + " overlaps IP pool " + clash.cidr());
                continue;
            }
            problems.clear(e.getKey());
            ok.add(p);
            if (p.cidr().version() == 4) {
                four.add(new ocelot.fastpath.state.IpPool(Addresses.v4Network(p.cidr()), p.cidr().prefixLength(), ipip(p), p.natOutgoingEnabled()));
            } else {
                six.add(new Ip6Pool(Addresses.v6(p.cidr().network()), p.cidr().prefixLength(), p.natOutgoingEnabled()));
            }
        }
        v4 = List.copyOf(four);
        v6 = List.copyOf(six);
        accepted = List.copyOf(ok);
    }

    /** Calico v1: {@code ipip.enabled} turns it on, {@code mode} is {@code always} (the default) or {@code cross-subnet}. */
    static ocelot.fastpath.state.IpPool.IpipMode ipip(IpPool p) {
        if (!p.ipipEnabled()) return ocelot.fastpath.state.IpPool.IpipMode.NEVER;
        return "cross-subnet".equals(p.ipip().mode()) ? ocelot.fastpath.state.IpPool.IpipMode.CROSS_SUBNET
                : ocelot.fastpath.state.IpPool.IpipMode.ALWAYS;
    }

    List<ocelot.fastpath.state.IpPool> v4() {
        return v4;
    }

    List<Ip6Pool> v6() {
        return v6;
    }

    List<IpPool> accepted() {
        return accepted;
    }
}
