package ocelot.dpdk;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout.PathElement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Java struct layouts must match what the C compiler laid out (the shim reports offsets). */
class LayoutTest {
    @Test
    void portStatsLayoutMatchesC() {
        assertEquals(OcelotShim.ocelot_layout(0), OcelotShim.PORT_STATS.byteSize());
        for (int i = 0; i < OcelotShim.PORT_STATS_FIELDS.length; i++) {
            assertEquals(OcelotShim.ocelot_layout(i + 1),
                    OcelotShim.PORT_STATS.byteOffset(PathElement.groupElement(OcelotShim.PORT_STATS_FIELDS[i])),
                    OcelotShim.PORT_STATS_FIELDS[i]);
        }
    }

    @Test
    void linkLayoutMatchesC() {
        assertEquals(OcelotShim.ocelot_layout(10), OcelotShim.LINK.byteSize());
        assertEquals(OcelotShim.ocelot_layout(11), OcelotShim.LINK.byteOffset(PathElement.groupElement("speed_mbps")));
        assertEquals(OcelotShim.ocelot_layout(12), OcelotShim.LINK.byteOffset(PathElement.groupElement("duplex_full")));
        assertEquals(OcelotShim.ocelot_layout(13), OcelotShim.LINK.byteOffset(PathElement.groupElement("up")));
    }

    @Test
    void abiVersion() {
        assertEquals(1, OcelotShim.ocelot_abi_version());
    }
}
