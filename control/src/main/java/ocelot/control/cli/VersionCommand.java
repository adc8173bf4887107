package ocelot.control.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code version}: the client version, from the jar manifest when packaged. */
@Command(name = "version", description = "Print the ocelotctl version.")
final class VersionCommand implements Runnable {
    static final String FALLBACK = "0.1.0-SNAPSHOT";

    @ParentCommand
    OcelotCtl root;

    @Override
    public void run() {
        String v = OcelotCtl.class.getPackage().getImplementationVersion();
        root.out.println("Client Version:    v" + (v == null ? FALLBACK : v));
        root.out.println("Datastore types:   embedded (default), etcdv3");
    }
}
