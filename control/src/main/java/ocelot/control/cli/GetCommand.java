package ocelot.control.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.BgpPeer;
import ocelot.control.resource.Kind;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code get KIND [NAME]} or {@code get -f FILE}, printed as a table (ps, wide), yaml or json. */
@Command(name = "get", description = "Show resources: get KIND [NAME] [-o ps|wide|yaml|json], or get -f FILE.")
final class GetCommand implements Callable<Integer> {
    @ParentCommand
    OcelotCtl root;

    @Parameters(index = "0", arity = "0..1", paramLabel = "KIND",
            description = "node, bgpPeer, hostEndpoint, workloadEndpoint, ipPool, policy, profile (any case, plural or short).")
    String kindText;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Name (the CIDR for ipPool, the peer IP for bgpPeer).")
    String name;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "Get the resources named in this file.")
    String filename;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "ps", description = "ps (default), wide, yaml or json.")
    String output;

    @Mixin
    IdentityOptions identity = new IdentityOptions();

    static Kind kind(String text) {
        return Kind.fromCommandLine(text).orElseThrow(() -> new OcelotCtl.CommandFailure(
                "unknown resource kind '" + text + "'; known kinds: " + Kind.yamlNames()));
    }

    @Override
    public Integer call() {
        if (!List.of("ps", "wide", "yaml", "json").contains(output)) {
            throw new OcelotCtl.CommandFailure("unknown output format '" + output + "' (expected ps, wide, yaml or json)");
        }
        if ((filename == null) == (kindText == null)) {
            throw new OcelotCtl.CommandFailure("get needs either KIND [NAME] or -f FILE");
        }
        List<Resource> found = new ArrayList<>();
        Kind kind;
        if (filename != null) {
            List<Resource> wanted = ResourceInput.read(filename, root.stdin);
            ResourceStore store = new ResourceStore(root.store());
            for (Resource w : wanted) {
                found.add(store.get(w.key()).orElseThrow(() -> new OcelotCtl.CommandFailure(
                        "Failed to get resources: resource does not exist: " + w.key())));
            }
            kind = wanted.getFirst().kind();
            if ((output.equals("ps") || output.equals("wide")) && found.stream().anyMatch(r -> r.kind() != found.getFirst().kind())) {
                throw new OcelotCtl.CommandFailure("the file holds several kinds: use -o yaml or -o json");
            }
        } else {
            kind = kind(kindText);
            found.addAll(new ResourceStore(root.store()).list(kind, r -> identity.matches(r, name)));
            if (name != null && found.isEmpty()) {
                throw new OcelotCtl.CommandFailure("Failed to get resources: resource does not exist: " + identity.describe(kind, name));
            }
        }
        // A bgpPeer's TCP MD5 key is a secret: printed as <redacted>, which apply/replace read as "keep the stored key".
        List<Resource> shown = found.stream().map(r -> r instanceof BgpPeer p ? p.redacted() : r).toList();
        switch (output) {
            case "yaml" -> root.out.print(ResourceCodec.toYaml(shown));
            case "json" -> root.out.print(ResourceCodec.toJson(shown));
            default -> {
                String globalAs = kind == Kind.NODE && output.equals("wide")
                        ? new ResourceStore(root.store()).setting(ocelot.control.resource.ClusterSetting.AS_NUMBER) : "";
                root.out.print(ResourceTable.render(kind, found, output.equals("wide"), globalAs));
            }
        }
        return 0;
    }
}
