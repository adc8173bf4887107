package ocelot.testkit;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What "cleanup after a SIGKILLed test" means, shown: a child JVM (its own test run, as bin/test
 * would set it up) creates a namespace, a veth pair and a python3 listener in the namespace, and
 * is SIGKILLed midway. Its finally blocks never run: the check finds the listener (by the run's
 * tag, re-parented to init), the namespace and the host veth (by the run's ledger). Then the
 * sweeper, as bin/test runs it at the start of the next run for every run whose owner is gone,
 * removes them all, and nothing of the run is left on the host.
 */
@Tag("netns")
class SigkilledNamespaceTestTest {
    @Test
    void theSweeperRemovesWhatAKilledTestLeft() throws Exception {
        TestRun run = TestRun.of(System.currentTimeMillis() / 1000 + "-" + ProcessHandle.current().pid());
        Files.createDirectories(run.tmp());
        HostState before = HostState.read();
        String javaCmd = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(javaCmd, "--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), NamespaceHolder.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put(TestRun.ID_VARIABLE, run.id());
        pb.environment().put(TestRun.DIR_VARIABLE, run.dir().toString());
        Process child = pb.start();
        run.writeOwner(child.toHandle()); // the child plays bin/test: the run is over when it is gone
        try {
            String ready = new BufferedReader(new InputStreamReader(child.getInputStream())).readLine();
            assertTrue(ready != null && ready.startsWith("ready "), "child: " + ready);
            String netns = ready.split(" ")[1], link = ready.split(" ")[2];

            child.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
            assertTrue(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertFalse(run.ownerAlive());

            Leftovers.Report found = Leftovers.compare(run, before, HostState.read(), Set.of());
            assertTrue(found.ours().stream().anyMatch(s -> s.startsWith("process ") && s.contains("python3")), found.toString());
            assertTrue(found.ours().contains("network namespace " + netns), found.toString());
            assertTrue(found.ours().stream().anyMatch(s -> s.startsWith("interface " + link + " ")), found.toString());

            var log = new ByteArrayOutputStream();
            List<String> swept = Sweeper.sweep(run, new PrintStream(log, true));
            assertTrue(swept.stream().anyMatch(s -> s.startsWith("process ") && s.contains("python3")), "swept: " + log);
            assertTrue(swept.contains("network namespace " + netns), "swept: " + log);

            HostState after = HostState.read();
            assertTrue(after.processes().values().stream().noneMatch(p -> run.id().equals(p.tag())), "tagged processes left");
            assertFalse(after.namespaces().contains(netns), netns + " left");
            assertFalse(after.links().contains(link), link + " left");
            assertFalse(Files.exists(run.dir()), run.dir() + " left");
        } finally {
            child.destroyForcibly();
            if (Files.exists(run.dir())) Sweeper.sweep(run, System.out);
        }
    }
}
