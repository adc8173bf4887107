package ocelot.dpdk;

import java.lang.foreign.MemorySegment;

/** A DPDK call failed; the message names the call, the object and DPDK's own error text. */
public final class DpdkException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public DpdkException(String what, int rc) {
        super(what + " failed: " + describe(rc));
        this.errno = Math.abs(rc);
    }

    public int errno() { return errno; }

    static String describe(int rc) {
        int err = Math.abs(rc);
        if (rc == -1) err = OcelotShim.ocelot_errno();
        MemorySegment text = OcelotShim.ocelot_strerror(err);
        return text.equals(MemorySegment.NULL) ? "error " + err : text.getString(0) + " (errno " + err + ")";
    }

    static int check(String what, int rc) {
        if (rc < 0) throw new DpdkException(what, rc);
        return rc;
    }
}
