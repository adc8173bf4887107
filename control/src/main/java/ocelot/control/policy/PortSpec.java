package ocelot.control.policy;

/**
 * One entry of a rule's {@code ports}/{@code notPorts}: a number, a range {@code first:last}
 * (Calico's syntax), or the name of a port that endpoints declare.
 */
public sealed interface PortSpec {

    record Range(int first, int last) implements PortSpec {
        public Range {
            if (first < 0 || last > 65535 || first > last) {
                throw new IllegalArgumentException("port range " + first + ":" + last + " is not within 0..65535 ascending");
            }
        }

        public boolean contains(int port) {
            return port >= first && port <= last;
        }

        @Override
        public String toString() {
            return first == last ? Integer.toString(first) : first + ":" + last;
        }
    }

    /** A named port, resolved per endpoint from {@link EndpointPort}s. */
    record Named(String name) implements PortSpec {
        public Named {
            if (name.isEmpty() || name.length() > 15 || !name.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                // Kubernetes IANA_SVC_NAME, which Calico enforces for named ports.
                throw new IllegalArgumentException("port name '" + name + "' must be 1-15 lowercase letters, digits or '-'");
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static PortSpec parse(String text) {
        String t = text.strip();
        if (!t.isEmpty() && Character.isDigit(t.charAt(0))) {
            int colon = t.indexOf(':');
            try {
                if (colon < 0) {
                    int p = Integer.parseInt(t);
                    return new Range(p, p);
                }
                return new Range(Integer.parseInt(t.substring(0, colon)), Integer.parseInt(t.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a port, a range first:last or a port name", e);
            }
        }
        return new Named(t);
    }
}
