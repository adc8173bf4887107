package ocelot.control.cli;

import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.ClusterSetting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code config get NAME} / {@code config set NAME VALUE}: asNumber, nodeToNodeMesh, logLevel. */
@Command(name = "config", description = "Get or set cluster settings: asNumber (64512), nodeToNodeMesh (on), logLevel (info).",
        subcommands = {ConfigCommand.Get.class, ConfigCommand.Set.class})
final class ConfigCommand implements Runnable {
    @ParentCommand
    OcelotCtl root;

    @Override
    public void run() {
        throw new OcelotCtl.CommandFailure("config needs a subcommand: get NAME or set NAME VALUE");
    }

    static ClusterSetting setting(String name) {
        return ClusterSetting.named(name).orElseThrow(() -> new OcelotCtl.CommandFailure(
                "unknown config name '" + name + "' (known: " + ClusterSetting.names() + ")"));
    }

    @Command(name = "get", description = "Print a cluster setting (its default when never set).")
    static final class Get implements Runnable {
        @ParentCommand
        ConfigCommand config;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public void run() {
            ClusterSetting s = setting(name);
            config.root.out.println(new ResourceStore(config.root.store()).setting(s));
        }
    }

    @Command(name = "set", description = "Change a cluster setting.")
    static final class Set implements Runnable {
        @ParentCommand
        ConfigCommand config;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Override
        public void run() {
            ClusterSetting s = setting(name);
            String canonical;
            try {
                canonical = s.canonical(value);
            } catch (IllegalArgumentException e) {
                throw new OcelotCtl.CommandFailure(e.getMessage());
            }
            new ResourceStore(config.root.store()).setSetting(s, canonical);
        }
    }
}
