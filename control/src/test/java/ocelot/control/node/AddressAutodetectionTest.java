package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import ocelot.control.node.AddressAutodetection.Candidate;
import ocelot.control.node.AddressAutodetection.Detected;
import ocelot.control.resource.Cidr;
import org.junit.jupiter.api.Test;

/** calico/node's autodetection methods over a given multi-NIC host's candidates. */
class AddressAutodetectionTest {
    static final List<Candidate> HOST = List.of(new Candidate("docker0", Cidr.parseInterface("172.17.0.1/16")),
            new Candidate("eth0", Cidr.parseInterface("10.0.0.5/24")), new Candidate("eth1", Cidr.parseInterface("10.1.0.5/24")),
            new Candidate("cali12345", Cidr.parseInterface("10.65.0.1/32")));

    @Test
    void firstFoundSkipsCalicosExclusionsAndTakesTheFirstNamingTheOthers() {
        assertEquals(new Detected("eth0", Cidr.parseInterface("10.0.0.5/24"), List.of("eth1 (10.1.0.5/24)")),
                AddressAutodetection.firstFound(HOST));
        var none = assertThrows(IllegalArgumentException.class, () -> AddressAutodetection.firstFound(List.of(HOST.getFirst())));
        assertEquals("Couldn't autodetect an IPv4 address (first-found): no interface outside the exclusion list (docker*, lo, cali*, veth*, ...) "
                + "has one; use --ip or IP_AUTODETECTION_METHOD=interface=REGEX", none.getMessage());
    }

    @Test
    void interfaceRegexMustPickOneAddress() {
        assertEquals("eth1", AddressAutodetection.byInterface("eth1", HOST).interfaceName());
        var ambiguous = assertThrows(IllegalArgumentException.class, () -> AddressAutodetection.byInterface("eth.*", HOST));
        assertEquals("interface=eth.* is ambiguous: it matches [eth0 (10.0.0.5/24), eth1 (10.1.0.5/24)]; narrow the expression or use --ip",
                ambiguous.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> AddressAutodetection.byInterface("ens.*", HOST));
        assertEquals("interface=ens.*: no up interface with an IPv4 address matches; candidates: [docker0 (172.17.0.1/16), eth0 (10.0.0.5/24), "
                + "eth1 (10.1.0.5/24), cali12345 (10.65.0.1/32)]", none.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AddressAutodetection.byInterface("eth[", HOST));
    }

    @Test
    void unknownMethodIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> AddressAutodetection.detect("skip-interface=eth0"));
        assertEquals("IP_AUTODETECTION_METHOD 'skip-interface=eth0': must be first-found, can-reach=DEST or interface=REGEX", e.getMessage());
    }
}
