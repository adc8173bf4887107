package ocelot.bgp.wire;

/** Public door to {@link Hex} for tests in other packages. */
public final class Hex2 {
    private Hex2() {
    }

    public static byte[] bytes(String annotated) {
        return Hex.bytes(annotated);
    }
}
