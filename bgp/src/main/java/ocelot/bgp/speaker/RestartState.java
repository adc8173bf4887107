package ocelot.bgp.speaker;

import ocelot.bgp.wire.Prefix;

import java.util.Set;

/**
 * What a speaker restarting with its forwarding state kept (RFC 4724 §4.1) starts from: the
 * learned routes the FIB still holds from the previous incarnation, and how long to defer route
 * selection (and our own advertisements) waiting for End-of-RIB from the peers. When the wait
 * ends, preserved routes that no peer re-announced are removed from the FIB.
 */
public record RestartState(Set<Prefix> preservedRoutes, int selectionDeferralSeconds) {
    public RestartState {
        preservedRoutes = Set.copyOf(preservedRoutes);
        if (selectionDeferralSeconds < 1 || selectionDeferralSeconds > 4095) {
            throw new IllegalArgumentException("selection deferral " + selectionDeferralSeconds + " s not in 1..4095");
        }
    }
}
