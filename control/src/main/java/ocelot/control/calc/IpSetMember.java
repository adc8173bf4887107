package ocelot.control.calc;

import ocelot.control.policy.IpAddress;

/** One entry of an IP set: an address, or an address with protocol and port for named ports. */
public sealed interface IpSetMember {

    IpAddress address();

    // Explicit equals/hashCode: the records' generated ones (an invokedynamic bootstrap) were a
    // large part of a cold start's profile, which hashes each of ~225k members several times.
    record Address(IpAddress address) implements IpSetMember {
        @Override
        public boolean equals(Object o) {
            return o instanceof Address a && address.equals(a.address);
        }

        @Override
        public int hashCode() {
            return address.hashCode();
        }
    }

    record AddressPort(IpAddress address, int protocol, int port) implements IpSetMember {
        @Override
        public boolean equals(Object o) {
            return o instanceof AddressPort a && port == a.port && protocol == a.protocol && address.equals(a.address);
        }

        @Override
        public int hashCode() {
            return (address.hashCode() * 31 + protocol) * 65_537 + port;
        }
    }
}
