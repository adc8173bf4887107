package ocelot.control.calc;

import ocelot.control.policy.IpAddress;

/** One entry of an IP set: an address, or an address with protocol and port for named ports. */
public sealed interface IpSetMember {

    IpAddress address();

    record Address(IpAddress address) implements IpSetMember {
    }

    record AddressPort(IpAddress address, int protocol, int port) implements IpSetMember {
    }
}
