package ocelot.testkit;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The process-group helper against real process trees (sh forking sleeps). */
class GroupedProcessTest {
    static final String TWO_CHILDREN = "sleep 300 & sleep 300 & echo started; wait";

    @Test
    void killingOnlyTheStartedProcessOrphansItsChildrenButCloseKillsTheGroup() throws Exception {
        try (GroupedProcess p = GroupedProcess.start(new ProcessBuilder("sh", "-c", TWO_CHILDREN), Duration.ofMinutes(2))) {
            awaitLine(p, "started");
            // "started" follows the two forks, not the two execs: a child may still be sh for a moment
            List<ProcessHandle> sleeps = List.of();
            for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; Thread.sleep(20)) {
                sleeps = p.process().descendants().filter(h -> h.info().command().orElse("").endsWith("sleep")).toList();
                if (sleeps.size() == 2) break;
            }
            assertEquals(2, sleeps.size(), "sh's two sleeps");
            // the trap: SIGKILL to the process Java started (timeout, the leader) leaves its children running
            p.process().destroyForcibly();
            assertTrue(p.waitFor(Duration.ofSeconds(10)));
            for (ProcessHandle s : sleeps) assertTrue(s.isAlive(), "orphaned " + s.pid());
            p.close(); // the group survives its leader: close kills it
            for (ProcessHandle s : sleeps) assertTrue(GroupedProcess.awaitExit(s, Duration.ofSeconds(10)), "still alive: " + s.pid());
        }
    }

    @Test
    void theLifetimeKillsTheWholeGroupWhenNobodyClosesIt() throws Exception {
        GroupedProcess p = GroupedProcess.start(new ProcessBuilder("sh", "-c", TWO_CHILDREN), Duration.ofSeconds(1));
        awaitLine(p, "started");
        List<ProcessHandle> members = p.process().descendants().toList();
        assertFalse(members.isEmpty());
        // no close(): timeout, inside the group, kills it at the end of the lifetime (as after a SIGKILLed JVM)
        assertTrue(p.waitFor(Duration.ofSeconds(60)), "the leader outlived its lifetime");
        for (ProcessHandle m : members) assertTrue(GroupedProcess.awaitExit(m, Duration.ofSeconds(10)), "still alive: " + m.pid());
        p.close();
    }

    @Test
    void runGivesExitStatusAndOutputAndKillsAStuckCommand() {
        GroupedProcess.Result ok = GroupedProcess.run(Duration.ofSeconds(30), null, List.of("sh", "-c", "echo hi; exit 3"));
        assertEquals(3, ok.exit());
        assertEquals("hi\n", ok.output());
        GroupedProcess.Result stuck = GroupedProcess.run(Duration.ofSeconds(1), null, List.of("sh", "-c", "echo before; sleep 300 & wait"));
        assertEquals(-1, stuck.exit());
        assertEquals("before\n", stuck.output());
    }

    static void awaitLine(GroupedProcess p, String line) throws Exception {
        var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.process().getInputStream()));
        assertEquals(line, r.readLine());
    }
}
