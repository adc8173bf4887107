package ocelot.lab;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ocelot.lab.fabric.RunId;
import ocelot.lab.fabric.Sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/ocelot --profile P [--datastore etcd]} end to end, as a user runs it: exit 0, every
 * proof of the table held (routes learned, ping and TCP across nodes through the fastpaths,
 * policy deny and restore, a node killed and restarted), and nothing of the run left behind.
 */
@Tag("netns")
@Tag("dpdk")
@Tag("bird")
class LabEndToEndTest {
    static final List<String> PROOFS = List.of("workloads attached", "routes learned", "ping across nodes", "TCP across nodes",
            "through the fastpaths", "deny policy", "policy removed", "node killed", "node restarted");

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"mesh, embedded", "reflector, embedded", "reflector-ocelot, embedded", "as-per-rack, embedded", "cross-subnet, embedded", "mesh, etcd"})
    void profileProvesItself(String profile, String datastore) throws Exception {
        String output;
        int exit;
        try (LabProcess lab = LabProcess.start("--profile", profile, "--datastore", datastore)) {
            exit = lab.await(600);
            output = lab.output();
        }
        RunId run = LabCrashTest.runOf(output);
        assertEquals(0, exit, output);
        for (String proof : PROOFS) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(proof) + "\\s+(ok|FAILED)\\s").matcher(output);
            assertTrue(m.find(), "the table has a row for " + proof + ":\n" + output);
            assertEquals("ok", m.group(1), proof + ":\n" + output);
        }
        assertFalse(Sweep.runsPresent().contains(run), "nothing of " + run + " left");
        assertTrue(Sweep.namespaces().stream().noneMatch(n -> n.startsWith(run.prefix())));
    }
}
