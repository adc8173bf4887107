package ocelot.lab;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ocelot.lab.fabric.LabException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/ocelot}'s exit contract without building a lab: 2 for bad input, a failed step named. */
class LabMainTest {

    @Test
    void badArgumentsAndBadTopologiesExitTwo(@TempDir Path tmp) throws Exception {
        assertEquals(2, LabMain.run(new String[] {"--datastore", "zookeeper"}));
        assertEquals(2, LabMain.run(new String[] {"--profile"}));
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "name: t\nsegments: []\n");
        assertEquals(2, LabMain.run(new String[] {"--topology", bad.toString()}));
    }

    @Test
    void aFailedStepIsNamedAndPrinted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals("3 node processes", progress.step("nodes up", () -> "3 node processes"));
        Progress.StepFailed failed = assertThrows(Progress.StepFailed.class,
                () -> progress.step("BGP established", () -> { throw new LabException("node2 has no established session with 10.99.1.13"); }));
        assertEquals("BGP established", failed.step);
        assertEquals("node2 has no established session with 10.99.1.13", failed.getMessage());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.matches("(?s)  nodes up +3 node processes \\(\\d+\\.\\d s\\)\n  BGP established +FAILED \\(\\d+\\.\\d s\\)\n"), printed);
    }
}
