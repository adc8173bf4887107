package ocelot.lab;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import ocelot.lab.topology.TopologyReader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vagrantfile cannot run here (no hypervisor), so it runs under a recording stub of
 * Vagrant (Ruby, src/test/ruby/vagrant_stub.rb) and what it defines must equal the plan the
 * Java lab derives from the same topology file: VMs, networks, addresses, netmasks, etcd's
 * place and each host's provisioning.
 */
@Tag("ruby")
class VagrantfileAgreementTest {
    static final Path HOME = Path.of(System.getProperty("ocelot.home", "..")).toAbsolutePath().normalize();

    @ParameterizedTest
    @ValueSource(strings = {"mesh", "reflector", "reflector-ocelot", "as-per-rack", "cross-subnet"})
    void vagrantfileDefinesWhatTheLabPlans(String profile) throws Exception {
        List<String> expected = VagrantPlan.lines(TopologyReader.read(TopologyReader.profileFile(HOME, profile)));
        assertEquals(expected, stub(profile));
    }

    @org.junit.jupiter.api.Test
    void anUnknownProfileStopsVagrant() throws Exception {
        Process p = start("no-such-profile");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("no topology") && out.contains("no-such-profile.yaml"), out);
    }

    static List<String> stub(String profile) throws Exception {
        Process p = start(profile);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ruby finished");
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    static Process start(String profile) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("ruby", HOME.resolve("vagrant/src/test/ruby/vagrant_stub.rb").toString(),
                HOME.resolve("vagrant/Vagrantfile").toString()).redirectErrorStream(true);
        pb.environment().put("OCELOT_PROFILE", profile);
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }
}
