package ocelot.control.resource;

import java.util.regex.Pattern;

/**
 * The syntax of names, labels, interface names and MACs, with Calico v1's limits, each check
 * returning a problem sentence or null.
 */
final class Identifiers {
    // Calico v1 libcalico-go validator: names are [a-zA-Z0-9_.-]+, at most 253 characters (DNS).
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.\\-]+");
    // Kubernetes label syntax, which Calico v1 adopted: optional DNS prefix, 63-character name.
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.\\-]{0,61}[A-Za-z0-9])?");
    private static final Pattern DNS_PREFIX = Pattern.compile("[a-z0-9]([a-z0-9\\-.]{0,251}[a-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9_.\\-]{0,61}[A-Za-z0-9])?)?");
    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}");

    private Identifiers() {
    }

    static String nameProblem(String name) {
        if (name.length() > 253) return "name is longer than 253 characters";
        if (!NAME.matcher(name).matches()) {
            return "'" + name + "' is not a valid name (letters, digits, '.', '_' and '-' only)";
        }
        return null;
    }

    static String labelProblem(String key, String value) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0 && !DNS_PREFIX.matcher(key.substring(0, slash)).matches()) {
            return "label name '" + key + "' has an invalid prefix (must be a DNS subdomain)";
        }
        if (!LABEL_NAME.matcher(name).matches()) {
            return "label name '" + key + "' is invalid (up to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)";
        }
        if (!LABEL_VALUE.matcher(value).matches()) {
            return "label value '" + value + "' is invalid (up to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)";
        }
        return null;
    }

    /** Linux interface names: 1-15 bytes (IFNAMSIZ 16 with NUL), no '/', ':' or whitespace. */
    static String interfaceProblem(String name) {
        if (name.isEmpty() || name.length() > 15) return "interface name '" + name + "' must be 1-15 characters";
        for (char c : name.toCharArray()) {
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x21 || c > 0x7e) {
                return "interface name '" + name + "' contains '" + c + "'";
            }
        }
        return null;
    }

    static String macProblem(String mac) {
        return MAC.matcher(mac).matches() ? null : "'" + mac + "' is not a MAC address (xx:xx:xx:xx:xx:xx)";
    }
}
