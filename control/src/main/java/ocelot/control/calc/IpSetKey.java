package ocelot.control.calc;

import ocelot.control.selector.Selector;

/**
 * What an IP set holds, which is also its identity: equal selectors (by canonical form) share
 * one set however many rules use them, as Felix's IP set ids (a hash of the selector) do.
 */
public sealed interface IpSetKey {

    Selector selector();

    /** The addresses of every endpoint that {@code selector} matches. */
    record Addresses(Selector selector) implements IpSetKey {
        @Override
        public String toString() {
            return "ips{" + selector + "}";
        }
    }

    /**
     * (address, protocol, port) of every endpoint matching {@code selector} that declares a
     * port named {@code portName} (Felix's named-port IP sets, {@code hash:ip,port}).
     */
    record NamedPorts(Selector selector, String portName) implements IpSetKey {
        @Override
        public String toString() {
            return "ports{" + portName + " @ " + selector + "}";
        }
    }
}
