package ocelot.control.cni;

import java.util.Map;

/**
 * One CNI invocation: the command, the environment's container, namespace and interface, and the
 * network configuration, turned into the workloadEndpoint's identity and the IPAM handle.
 */
record CniRequest(String command, String containerId, String netns, String ifName, Map<String, String> args,
                  NetConf conf) {
    static CniRequest of(String command, Map<String, String> env, NetConf conf) {
        if (!command.equals("ADD") && !command.equals("DEL") && !command.equals("CHECK")) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND '" + command + "' is not one of ADD, DEL, CHECK, VERSION", null);
        }
        if (command.equals("CHECK") && conf.cniVersion().startsWith("0.3.")) {
            throw new CniError(CniError.INCOMPATIBLE_VERSION, "CHECK needs cniVersion 0.4.0 or later, the configuration says "
                    + conf.cniVersion(), null);
        }
        String containerId = required(env, "CNI_CONTAINERID");
        String ifName = required(env, "CNI_IFNAME");
        // DEL may come after the namespace is gone: the spec lets CNI_NETNS be empty then.
        String netns = command.equals("DEL") ? env.getOrDefault("CNI_NETNS", "") : required(env, "CNI_NETNS");
        return new CniRequest(command, containerId, netns, ifName, OcelotCni.parseArgs(env.get("CNI_ARGS")), conf);
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) throw new CniError(CniError.INVALID_ENVIRONMENT, name + " is not set", null);
        return v;
    }

    WorkloadWiring.EndpointId endpointId() {
        String ns = args.get("K8S_POD_NAMESPACE");
        String pod = args.get("K8S_POD_NAME");
        if (ns != null && !ns.isEmpty() && pod != null && !pod.isEmpty()) {
            return new WorkloadWiring.EndpointId(conf.nodename(), "k8s", ns + "." + pod, ifName);
        }
        return new WorkloadWiring.EndpointId(conf.nodename(), "cni", containerId, ifName);
    }

    /** The IPAM handle: network name and container, as Calico's plugin names it. */
    String handleId() {
        return conf.name() + "." + containerId;
    }
}
