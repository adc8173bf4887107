package ocelot.lab;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code bin/ocelot [--profile NAME] [--datastore embedded|etcd] [--keep] [--down]}; with
 * {@code --host NAME [--etcd-endpoints URL]}, this machine becomes that host of the profile
 * (what a Vagrant VM's provisioning runs).
 */
public record LabOptions(String profile, Optional<Path> topologyFile, boolean etcd, boolean keep, boolean down,
                         Optional<String> host, Optional<String> etcdEndpoints) {
    public static final String DEFAULT_PROFILE = "mesh";
    public static final String USAGE = """
            usage: bin/ocelot [--profile mesh|reflector|reflector-ocelot|as-per-rack|cross-subnet] [--topology FILE]
                              [--datastore embedded|etcd] [--keep] [--down]
                   bin/ocelot --host NAME --profile NAME --datastore etcd --etcd-endpoints URL   (on a lab VM)
              With no arguments: the mesh profile on the embedded datastore, proved and cleaned up.
              --keep leaves the lab up and prints how to use it; --down removes every lab left up.""";

    public static LabOptions parse(String... args) {
        String profile = DEFAULT_PROFILE;
        Optional<Path> file = Optional.empty();
        boolean etcd = false, keep = false, down = false;
        Optional<String> host = Optional.empty(), endpoints = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--profile" -> profile = value(args, ++i, a);
                case "--topology" -> file = Optional.of(Path.of(value(args, ++i, a)));
                case "--datastore" -> {
                    String v = value(args, ++i, a);
                    if (!v.equals("etcd") && !v.equals("embedded")) throw new IllegalArgumentException("--datastore must be embedded or etcd, got '" + v + "'");
                    etcd = v.equals("etcd");
                }
                case "--keep" -> keep = true;
                case "--down" -> down = true;
                case "--host" -> host = Optional.of(value(args, ++i, a));
                case "--etcd-endpoints" -> endpoints = Optional.of(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        if (host.isPresent() && (!etcd || endpoints.isEmpty())) {
            throw new IllegalArgumentException("--host needs --datastore etcd --etcd-endpoints URL (the cluster's etcd)");
        }
        return new LabOptions(profile, file, etcd, keep, down, host, endpoints);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length || args[i].startsWith("--")) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }
}
