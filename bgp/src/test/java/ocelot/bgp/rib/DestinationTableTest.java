package ocelot.bgp.rib;

import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class DestinationTableTest {

    /** Random adds and removes (with deletions inside wrapped probe runs) against a HashMap model. */
    @Test
    void matchesHashMapUnderChurn() {
        DestinationTable t = new DestinationTable();
        HashMap<Prefix, Destination> model = new HashMap<>();
        Random r = new Random(42);
        for (int op = 0; op < 200_000; op++) {
            // A small key space forces collisions, long probe runs and shrinking.
            Prefix p = r.nextBoolean() ? Prefix.ipv4(0x0b000000 + r.nextInt(3000), 32)
                    : Prefix.ipv6(0x20010db8L << 32, r.nextInt(3000), 128 - r.nextInt(2));
            if (r.nextInt(3) == 0) {
                t.remove(p);
                model.remove(p);
                assertNull(t.get(p));
            } else {
                Destination d = t.getOrAdd(p);
                Destination m = model.computeIfAbsent(p, k -> d);
                assertSame(m, d, "getOrAdd of " + p);
            }
            if (op % 10_000 == 0) {
                for (var e : model.entrySet()) assertSame(e.getValue(), t.get(e.getKey()));
            }
        }
        assertEquals(model.size(), t.size());
        Set<Destination> seen = new HashSet<>();
        for (Destination d : t) seen.add(d);
        assertEquals(new HashSet<>(model.values()), seen);
        assertEquals(model.size(), t.snapshot().length);
        for (Prefix p : model.keySet().toArray(new Prefix[0])) t.remove(p);
        assertEquals(0, t.size());
        assertEquals(false, t.iterator().hasNext());
    }

    @Test
    void samePrefixDifferentLengthOrFamilyAreDistinct() {
        DestinationTable t = new DestinationTable();
        Destination a = t.getOrAdd(Prefix.parse("10.0.0.0/8"));
        Destination b = t.getOrAdd(Prefix.parse("10.0.0.0/16"));
        Destination c = t.getOrAdd(Prefix.parse("::a00:0/104"));
        assertEquals(3, t.size());
        assertSame(a, t.get(Prefix.parse("10.0.0.0/8")));
        assertSame(b, t.get(Prefix.parse("10.0.0.0/16")));
        assertSame(c, t.get(Prefix.parse("::a00:0/104")));
    }
}
