package ocelot.testkit;

import java.time.Duration;

/**
 * A stand-in for a namespace test, run as a child JVM that the test SIGKILLs midway: it makes a
 * namespace with a veth pair and a python3 TCP listener inside blocking in accept (the shape of
 * fastpath's NamespaceEndToEndTest deny case), prints "ready NETNS LINK", and waits to be killed.
 */
public final class NamespaceHolder {
    public static void main(String[] args) throws Exception {
        String id = Long.toString(ProcessHandle.current().pid());
        TestNamespace ns = TestNamespace.create("ockill-" + id);
        String link = ns.vethToHost("ok" + id, "eth0");
        ns.check("ip", "addr", "add", "10.99.0.1/24", "dev", "eth0");
        GroupedProcess listener = ns.start(new ProcessBuilder("python3", "-c",
                "import socket\ns=socket.socket();s.bind(('10.99.0.1',5201));s.listen(1)\nprint('listening',flush=True)\ns.accept()"),
                Duration.ofMinutes(2));
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(listener.process().getInputStream())).readLine();
        if (!"listening".equals(line)) throw new IllegalStateException("listener: " + line);
        System.out.println("ready " + ns.name() + " " + link);
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5)); // SIGKILLed long before
    }
}
