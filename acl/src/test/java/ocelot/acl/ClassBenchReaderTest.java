package ocelot.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassBenchReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsRulesAndTraces() throws Exception {
        Path rules = Files.writeString(dir.resolve("r"), """
                @10.1.2.3/24\t192.168.0.1/32\t0 : 65535\t80 : 80\t0x06/0xFF\t0x1000/0x1000\t
                @0.0.0.0/0\t0.0.0.0/0\t1024 : 2047\t0 : 65535\t0x00/0x00\t0x0000/0x0000\t
                """);
        List<Rule> r = ClassBenchReader.readRules(rules);
        assertEquals(2, r.size());
        assertEquals(Prefix.parse("10.1.2.0/24"), r.get(0).src()); // host bits cleared
        assertEquals(Protocol.TCP, r.get(0).protocol());
        assertEquals(new PortRange(80, 80), r.get(0).dstPorts());
        assertEquals(Protocol.ANY, r.get(1).protocol());
        assertEquals(1, r.get(1).userId());
        Path trace = Files.writeString(dir.resolve("t"), "167838211\t3232235521\t5\t80\t6\t0\t0\n");
        ClassBenchReader.Trace t = ClassBenchReader.readTrace(trace);
        assertEquals(1, t.count());
        assertEquals(Prefix.parse("10.1.2.3").v4Address(), t.headers().srcV4[0]);
        assertEquals(0, t.generatingRule()[0]);
    }

    @Test
    void errorsNameFileLineAndField() throws Exception {
        Path rules = Files.writeString(dir.resolve("bad"), """
                @10.0.0.0/8\t0.0.0.0/0\t0 : 65535\t0 : 65535\t0x00/0x00\t0x0000/0x0000
                @10.0.0.0/8\t0.0.0.0/0\t0 : 65535\t90 : 80\t0x00/0x00\t0x0000/0x0000
                """);
        InvalidRuleException e = assertThrows(InvalidRuleException.class, () -> ClassBenchReader.readRules(rules));
        assertTrue(e.getMessage().startsWith("bad:2: dstPorts: low port 90 > high port 80"), e.getMessage());
        Path trace = Files.writeString(dir.resolve("tr"), "1\t2\t3\t4\t6\t0\t0\n1\t2\t70000\t4\t6\t0\t0\n");
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> ClassBenchReader.readTrace(trace));
        assertTrue(t.getMessage().startsWith("tr:2: port outside"), t.getMessage());
    }
}
