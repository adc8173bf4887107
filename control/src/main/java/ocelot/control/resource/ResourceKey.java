package ocelot.control.resource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A resource's identity: the v1 metadata fields that name it (see control/README.md for the
 * datastore layout). Prints as calicoctl does: {@code IPPool(cidr=10.1.0.0/16)}.
 */
public record ResourceKey(Kind kind, List<String> fields, List<String> values) {
    public static final String ROOT = "/ocelot/v1/";

    public ResourceKey {
        fields = List.copyOf(fields);
        values = List.copyOf(values);
        if (fields.size() != values.size()) throw new IllegalArgumentException("fields and values differ in length");
    }

    /** The datastore key; a '/' inside a value (a CIDR) becomes '-', as in Calico's etcd layout. */
    public String datastoreKey() {
        return ROOT + kind.folder() + "/" + values.stream().map(v -> v.replace('/', '-')).collect(Collectors.joining("/"));
    }

    /** The folder holding every resource of {@code kind}. */
    public static String folder(Kind kind) {
        return ROOT + kind.folder() + "/";
    }

    @Override
    public String toString() {
        return kind.displayName() + "(" + IntStream.range(0, fields.size())
                .mapToObj(i -> fields.get(i) + "=" + values.get(i)).collect(Collectors.joining(", ")) + ")";
    }
}
