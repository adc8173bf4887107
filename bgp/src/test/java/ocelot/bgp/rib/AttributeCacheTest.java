package ocelot.bgp.rib;

import ocelot.bgp.wire.AsPath;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.PathAttributes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttributeCacheTest {
    private static PathAttributes attrs(int med) {
        return PathAttributes.builder().origin(PathAttributes.ORIGIN_IGP).asPath(AsPath.EMPTY)
                .nextHop(IpAddresses.inet("10.0.0.1")).med(med).build();
    }

    @Test
    void equalSetsShareOneObjectDistinctOnesDoNot() {
        AttributeCache c = new AttributeCache();
        PathAttributes first = attrs(5);
        assertSame(first, c.intern(first));
        PathAttributes again = attrs(5);
        assertNotSame(first, again);
        assertSame(first, c.intern(again));
        PathAttributes other = attrs(6);
        assertSame(other, c.intern(other));
        assertEquals(2, c.size());
        assertEquals(1, c.hits());
    }

    /** The cache holds nothing alive: a set no path refers to any more leaves it. */
    @Test
    void unreferencedSetsAreDropped() throws InterruptedException {
        AttributeCache c = new AttributeCache();
        for (int i = 0; i < 1000; i++) c.intern(attrs(i));
        for (int round = 0; round < 50 && c.size() > 0; round++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(c.size() < 1000, "weakly held sets were collected, " + c.size() + " left");
    }
}
