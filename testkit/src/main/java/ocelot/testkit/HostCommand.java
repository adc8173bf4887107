package ocelot.testkit;

import java.time.Duration;
import java.util.List;

/** Short commands (ip, ethtool, sysctl, ping) run to their end, in the host or in a namespace, with a timeout. */
public final class HostCommand {
    private HostCommand() {
    }

    /** Exit status and output; the command's process group is killed if it outlives {@link TestNamespace#COMMAND_TIMEOUT}. */
    public static GroupedProcess.Result run(String netns, String... command) {
        return runFor(TestNamespace.COMMAND_TIMEOUT, netns, command);
    }

    public static GroupedProcess.Result runFor(Duration timeout, String netns, String... command) {
        return GroupedProcess.run(timeout, netns, List.of(command));
    }

    /** The output of a command that must succeed; otherwise an exception naming it, where, and its output. */
    public static String check(String netns, String... command) {
        GroupedProcess.Result r = run(netns, command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + (netns == null ? "" : " in netns " + netns)
                    + (r.exit() < 0 ? " timed out" : " exited " + r.exit()) + ": " + r.output().trim());
        }
        return r.output().trim();
    }
}
