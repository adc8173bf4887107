package ocelot.control.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.DatastoreConfig;
import ocelot.control.datastore.DatastoreException;
import ocelot.control.cni.CniError;
import ocelot.control.ipam.IpamException;
import ocelot.control.resource.ResourceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ocelotctl}: calicoctl's command surface over Ocelot's datastore. Exit codes: 0 success,
 * 1 any failure (bad input, missing resource, unreachable datastore), with one error line on
 * stderr that names the file, document and field or the resource.
 */
@Command(name = "ocelotctl", mixinStandardHelpOptions = false, usageHelpAutoWidth = true,
        description = "Manage Ocelot resources, cluster settings and IPAM (calicoctl-compatible).",
        subcommands = {ResourceCommands.Create.class, ResourceCommands.Apply.class, ResourceCommands.Replace.class,
                ResourceCommands.Delete.class, GetCommand.class, ConfigCommand.class, IpamCommand.class,
                NodeCommand.class, EndpointCommand.class, VersionCommand.class, CompletionCommand.class})
public final class OcelotCtl implements Runnable {
    @Option(names = {"-c", "--config"}, scope = CommandLine.ScopeType.INHERIT, paramLabel = "FILE",
            description = "Client configuration file (default /etc/ocelot/ocelotctl.cfg, else /etc/calico/calicoctl.cfg, "
                    + "else the environment).")
    Path config;

    /** Where to look for a configuration file without --config (tests point it elsewhere). */
    java.util.List<Path> defaultConfigFiles = DatastoreConfig.DEFAULT_FILES;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = CommandLine.ScopeType.INHERIT, description = "Show this help.")
    boolean help;

    final Map<String, String> env;
    final PrintWriter out;
    final PrintWriter err;
    final InputStream stdin;
    private Datastore store;

    public OcelotCtl(Map<String, String> env, PrintWriter out, PrintWriter err, InputStream stdin) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = new OcelotCtl(System.getenv(), out, err, System.in).execute(args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            err.println(ex.getMessage().lines().findFirst().orElse("invalid arguments")
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 1;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            err.println(message(ex));
            return 1;
        });
        return cl;
    }

    /** Runs one command line and returns its exit code; the datastore is closed afterwards. */
    public int execute(String... args) {
        try {
            return commandLine().execute(args);
        } finally {
            if (store != null) store.close();
            store = null;
            out.flush();
            err.flush();
        }
    }

    static String message(Throwable ex) {
        if (ex instanceof ResourceException || ex instanceof DatastoreException || ex instanceof IpamException
                || ex instanceof IllegalArgumentException || ex instanceof CommandFailure) {
            return oneLine(ex.getMessage());
        }
        if (ex instanceof CniError e) {
            return oneLine(e.getMessage() + (e.details() == null ? "" : ": " + e.details()));
        }
        return "unexpected error: " + oneLine(String.valueOf(ex));
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').strip();
    }

    /** The datastore, opened on first use from --config, a default file or the environment. */
    Datastore store() {
        if (store == null) store = DatastoreConfig.load(config, env, defaultConfigFiles).open();
        return store;
    }

    @Override
    public void run() {
        commandLine().usage(out);
    }

    /** A command could not do what was asked; its message is the one line the user sees. */
    static final class CommandFailure extends RuntimeException {
        CommandFailure(String message) {
            super(message);
        }
    }
}
