package ocelot.lab;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import ocelot.lab.fabric.RunId;
import ocelot.lab.fabric.Sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lab run SIGKILLed midway (no shutdown hook runs: its node processes, BIRD and namespaces
 * stay behind), then {@code --down} removes every namespace, process and temp file of it.
 */
@Tag("netns")
@Tag("bird")
class LabCrashTest {

    @Test
    void downRemovesWhatAKilledRunLeft() throws Exception {
        RunId run;
        try (LabProcess lab = LabProcess.start("--profile", "reflector")) {
            assertTrue(lab.awaitLine("nodes up", 300_000), "the run got to its node processes:\n" + lab.output());
            run = runOf(lab.output());
            assertTrue(Sweep.namespaces().stream().anyMatch(n -> n.startsWith(run.prefix())), "the run has namespaces");
            lab.process.destroyForcibly(); // SIGKILL
            lab.process.waitFor();
        }
        assertTrue(Sweep.runsPresent().contains(run), "a killed run leaves things behind (or this test proves nothing)");
        try (LabProcess down = LabProcess.start("--down")) {
            assertEquals(0, down.await(120), down.output());
            assertTrue(down.output().contains("removed lab run " + run), down.output());
        }
        assertTrue(Sweep.namespaces().stream().noneMatch(n -> n.startsWith(run.prefix())), "no namespace left");
        assertTrue(Sweep.processesOf(run).isEmpty(), "no process left");
        assertTrue(!run.tempDir().toFile().exists(), "no temp dir left");
        assertTrue(!Sweep.runsPresent().contains(run), "nothing of the run left");
    }

    static RunId runOf(String output) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("run (ocl[a-z0-9]{5})").matcher(output);
        assertTrue(m.find(), output);
        return new RunId(m.group(1));
    }
}
