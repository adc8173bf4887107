package ocelot.control.cli;

import java.util.List;
import java.util.concurrent.Callable;
import ocelot.control.datastore.ResourceConflictException;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.Resource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * create / apply / replace / delete, with calicoctl's messages: "Successfully created 1 'ipPool'
 * resource(s)", or "Failed to create any 'ipPool' resources: resource already exists:
 * IPPool(cidr=10.1.0.0/16)" and exit 1. One file is one atomic commit.
 */
final class ResourceCommands {
    private ResourceCommands() {
    }

    abstract static class FileCommand implements Callable<Integer> {
        @ParentCommand
        OcelotCtl root;

        @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
                description = "YAML or JSON file of resources, or - for stdin.")
        String filename;

        abstract String verb();

        abstract ResourceStore.Outcome write(ResourceStore store, List<Resource> resources);

        @Override
        public Integer call() {
            List<Resource> resources = ResourceInput.read(filename, root.stdin);
            ResourceStore.Outcome outcome;
            try {
                outcome = write(new ResourceStore(root.store()), resources);
            } catch (ResourceConflictException | IllegalArgumentException e) {
                throw new OcelotCtl.CommandFailure("Failed to " + verb() + " any " + ResourceInput.kindPhrase(resources)
                        + "resources: " + e.getMessage());
            }
            report(root, verb(), outcome);
            return 0;
        }
    }

    static void report(OcelotCtl root, String verb, ResourceStore.Outcome outcome) {
        String past = switch (verb) {
            case "apply" -> "applied";
            case "replace" -> "replaced";
            case "delete" -> "deleted";
            default -> "created";
        };
        root.out.println("Successfully " + past + " " + outcome.written().size() + " "
                + ResourceInput.kindPhrase(outcome.written().isEmpty() ? outcome.skipped() : outcome.written()) + "resource(s)");
        if (!outcome.skipped().isEmpty()) {
            root.out.println("Skipped " + outcome.skipped().size() + " " + ResourceInput.kindPhrase(outcome.skipped())
                    + "resource(s) that " + (verb.equals("delete") ? "do not exist" : "already exist"));
        }
    }

    @Command(name = "create", description = "Create resources from a file; fails if any already exists.")
    static final class Create extends FileCommand {
        @Option(names = "--skip-exists", description = "Skip resources that already exist instead of failing.")
        boolean skipExists;

        @Override
        String verb() {
            return "create";
        }

        @Override
        ResourceStore.Outcome write(ResourceStore store, List<Resource> resources) {
            return store.create(resources, skipExists);
        }
    }

    @Command(name = "apply", description = "Create or replace resources from a file.")
    static final class Apply extends FileCommand {
        @Override
        String verb() {
            return "apply";
        }

        @Override
        ResourceStore.Outcome write(ResourceStore store, List<Resource> resources) {
            return store.apply(resources);
        }
    }

    @Command(name = "replace", description = "Replace existing resources from a file; fails if any does not exist.")
    static final class Replace extends FileCommand {
        @Override
        String verb() {
            return "replace";
        }

        @Override
        ResourceStore.Outcome write(ResourceStore store, List<Resource> resources) {
            return store.replace(resources);
        }
    }

    @Command(name = "delete", description = "Delete resources named in a file, or KIND NAME.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        OcelotCtl root;

        @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "File naming the resources, or - for stdin.")
        String filename;

        @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "Resource kind, e.g. ipPool, policy, node.")
        String kindText;

        @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Name (the CIDR for ipPool, the peer IP for bgpPeer).")
        String name;

        @picocli.CommandLine.Mixin
        IdentityOptions identity = new IdentityOptions();

        @Option(names = "--skip-not-exists", description = "Skip resources that do not exist instead of failing.")
        boolean skipNotExists;

        @Override
        public Integer call() {
            ResourceStore store;
            List<Resource> resources;
            if ((filename == null) == (kindText == null) || (kindText != null && name == null)) {
                throw new OcelotCtl.CommandFailure("delete needs either KIND NAME or -f FILE");
            }
            if (filename != null) {
                resources = ResourceInput.read(filename, root.stdin);
                store = new ResourceStore(root.store());
            } else {
                store = new ResourceStore(root.store());
                var kind = GetCommand.kind(kindText);
                resources = store.list(kind, r -> identity.matches(r, name));
                if (resources.isEmpty()) {
                    if (skipNotExists) {
                        root.out.println("Successfully deleted 0 '" + kind.yamlName() + "' resource(s)");
                        return 0;
                    }
                    throw new OcelotCtl.CommandFailure("Failed to delete any '" + kind.yamlName() + "' resources: resource does not exist: "
                            + identity.describe(kind, name));
                }
                if (resources.size() > 1) {
                    throw new OcelotCtl.CommandFailure("Failed to delete any '" + kind.yamlName() + "' resources: " + resources.size()
                            + " resources match " + name + "; narrow it with --scope/--node/--orchestrator/--workload");
                }
            }
            try {
                report(root, "delete", store.delete(resources, skipNotExists));
            } catch (ResourceConflictException | IllegalArgumentException e) {
                throw new OcelotCtl.CommandFailure("Failed to delete any " + ResourceInput.kindPhrase(resources)
                        + "resources: " + e.getMessage());
            }
            return 0;
        }
    }
}
