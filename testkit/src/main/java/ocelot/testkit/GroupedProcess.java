package ocelot.testkit;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A helper process a test starts (a daemon, a server in a namespace, a child JVM), leading a
 * process group of its own and living at most {@code lifetime}, so that nothing it starts
 * outlives the test:
 * <ul>
 * <li>the command runs as {@code setsid [ip netns exec NS] timeout -s KILL <lifetime> CMD}: the
 *     group's leader is the process Java started, and everything CMD forks stays in its group;</li>
 * <li>{@link #close()} SIGKILLs the whole group and every descendant still seen, then waits for
 *     them: killing only the process Java started is the trap this class exists for
 *     ({@code timeout} and {@code ip netns exec} die, their child is re-parented to init and keeps
 *     a deleted namespace and its veth alive, blocking in accept forever);</li>
 * <li>{@code timeout} is the bound that holds when the test JVM itself is SIGKILLed: at the end
 *     of the lifetime it kills its whole group, whoever else is gone;</li>
 * <li>a shutdown hook closes whatever a test forgot, when the JVM exits normally.</li>
 * </ul>
 */
public final class GroupedProcess implements AutoCloseable {
    private static final Set<GroupedProcess> OPEN = ConcurrentHashMap.newKeySet();
    private static final int SIGKILL = 9;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(GroupedProcess::close), "grouped-process-cleanup"));
    }

    private final Process process;
    private final String description;

    private GroupedProcess(Process process, String description) {
        this.process = process;
        this.description = description;
        OPEN.add(this);
    }

    /** Starts {@code builder}'s command (its redirects and directory kept) in a new group, in the host namespace. */
    public static GroupedProcess start(ProcessBuilder builder, Duration lifetime) throws IOException {
        return startIn(null, builder, lifetime);
    }

    /** Starts {@code builder}'s command in a new group inside network namespace {@code netns} (null: the host's). */
    public static GroupedProcess startIn(String netns, ProcessBuilder builder, Duration lifetime) throws IOException {
        List<String> command = builder.command();
        List<String> full = new ArrayList<>(List.of("setsid"));
        if (netns != null) full.addAll(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of("timeout", "-s", "KILL", Math.max(1, lifetime.toSeconds()) + "s"));
        full.addAll(command);
        builder.command(full);
        try {
            return new GroupedProcess(builder.start(), String.join(" ", command) + (netns == null ? "" : " (in " + netns + ")"));
        } finally {
            builder.command(command);
        }
    }

    /** Runs a short command to its end (killed with its group after {@code timeout}): exit status and output. */
    public static Result run(Duration timeout, String netns, List<String> command) {
        try (GroupedProcess p = startIn(netns, new ProcessBuilder(command).redirectErrorStream(true), timeout.plusSeconds(5))) {
            var out = new java.io.ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    p.process.getInputStream().transferTo(out);
                } catch (IOException ignored) {
                    // the group was killed: what was read is the output
                }
            });
            boolean done = p.waitFor(timeout);
            p.close();
            reader.join(5_000); // the pipe closes when the last member of the group is gone
            return new Result(done ? p.process.exitValue() : -1, out.toString());
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    /** A finished command: exit status (-1 when it was killed at its timeout) and its output. */
    public record Result(int exit, String output) {
        public boolean ok() {
            return exit == 0;
        }
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    /** Pids of the group's live members: the leader (setsid, ip netns exec, timeout) and the command it runs, and their children. */
    public List<Long> memberPids() {
        List<Long> out = new ArrayList<>(List.of(process.pid()));
        process.descendants().forEach(h -> out.add(h.pid()));
        return out;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process Java started (the group's leader) to end; false at the timeout. */
    public boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGKILLs the group and every descendant, and waits (up to 10 s) until none runs. Idempotent. */
    @Override
    public void close() {
        OPEN.remove(this);
        List<ProcessHandle> members = new ArrayList<>(process.descendants().toList());
        members.add(process.toHandle());
        killGroup(process.pid());
        for (ProcessHandle h : members) h.destroyForcibly();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : members) awaitExit(h, Duration.ofNanos(Math.max(0, end - System.nanoTime())));
    }

    /** Waits until {@code h} has exited, at most {@code timeout}; false if it still runs. */
    static boolean awaitExit(ProcessHandle h, Duration timeout) {
        try {
            h.onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !h.isAlive(); // SIGKILL cannot be refused: only a process stuck in the kernel (D state) gets here
        }
    }

    @Override
    public String toString() {
        return "pid " + process.pid() + ": " + description;
    }

    /** kill(-pgid, SIGKILL) through FFM: ProcessHandle has no way to signal a group. */
    public static void killGroup(long pgid) {
        try {
            // ESRCH is fine: the group is gone, or setsid has not run yet (the caller kills the pid itself too)
            int ignored = (int) Libc.KILL.invokeExact((int) -pgid, SIGKILL);
        } catch (Throwable t) {
            throw new IllegalStateException("kill(-" + pgid + ")", t);
        }
    }

    private static final class Libc {
        static final MethodHandle KILL = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }
}
