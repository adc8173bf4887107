package ocelot.control.resource;

/**
 * A v1 resource: plain immutable data, exactly the fields of Calico's v1 documentation (plus
 * Ocelot's {@code ipPool.spec.blockSize}). Absent optional fields are {@code null}, so a
 * resource prints back the way it was written. Validation happens when it is read
 * ({@link ResourceReader}); a record that exists is valid.
 */
public sealed interface Resource
        permits NodeResource, BgpPeer, HostEndpoint, WorkloadEndpoint, IpPool, Policy, Profile {
    Kind kind();

    ResourceKey key();
}
