package ocelot.control.cli;

import java.util.function.Supplier;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.ClusterSetting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * calicoctl 1.x's {@code config get|set|unset NAME [VALUE] [--node=NODE]}: asNumber,
 * nodeToNodeMesh and logLevel globally; logLevel also per node, where it wins over the global
 * value ({@code get --node} prints the global one as "LEVEL (inherited from global)" when the
 * node has none, as calicoctl does). {@code unset} returns a global setting to its default and a
 * node's to the global value.
 */
@Command(name = "config", description = "Get, set or unset settings: asNumber (64512), nodeToNodeMesh (on), "
        + "logLevel (info; also per node with --node).",
        subcommands = {ConfigCommand.Get.class, ConfigCommand.Set.class, ConfigCommand.Unset.class})
final class ConfigCommand implements Runnable {
    @ParentCommand
    OcelotCtl root;

    @Override
    public void run() {
        throw new OcelotCtl.CommandFailure("config needs a subcommand: get NAME, set NAME VALUE or unset NAME");
    }

    /** Runs a step whose IllegalArgumentException (bad value, --node on a global setting) is the user's error line. */
    static <T> T checked(Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new OcelotCtl.CommandFailure(e.getMessage());
        }
    }

    /** What every subcommand takes: the setting's name and, for a node's own value, --node. */
    abstract static class SettingCommand implements Runnable {
        @ParentCommand
        ConfigCommand config;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = {"-n", "--node"}, paramLabel = "NODE",
                description = "The node's own value (logLevel only); without it, the global value.")
        String node;

        /** The named setting, with --node checked (cluster-wide setting, node name) before the datastore is opened. */
        ClusterSetting setting() {
            ClusterSetting s = ClusterSetting.named(name).orElseThrow(() -> new OcelotCtl.CommandFailure(
                    "unknown config name '" + name + "' (known: " + ClusterSetting.names() + ")"));
            if (node != null) checked(() -> s.nodeKey(node));
            return s;
        }

        ResourceStore store() {
            return new ResourceStore(config.root.store());
        }
    }

    @Command(name = "get", description = "Print a setting (its default when never set).")
    static final class Get extends SettingCommand {
        @Override
        public void run() {
            ClusterSetting s = setting();
            ResourceStore store = store();
            if (node == null) {
                config.root.out.println(store.setting(s));
                return;
            }
            String own = store.nodeSetting(s, node).orElse(null);
            config.root.out.println(own != null ? own : store.setting(s) + " (inherited from global)");
        }
    }

    @Command(name = "set", description = "Change a setting, globally or for one node (--node).")
    static final class Set extends SettingCommand {
        @Parameters(index = "1", paramLabel = "VALUE")
        String value;

        @Override
        public void run() {
            ClusterSetting s = setting();
            checked(() -> s.canonical(value));
            ResourceStore store = store();
            if (node == null) store.setSetting(s, value);
            else store.setSetting(s, node, value);
        }
    }

    @Command(name = "unset", description = "Remove a setting: a global one returns to its default, a node's (--node) to the global value.")
    static final class Unset extends SettingCommand {
        @Override
        public void run() {
            ClusterSetting s = setting();
            if (node == null) store().unsetSetting(s);
            else store().unsetSetting(s, node);
        }
    }
}
