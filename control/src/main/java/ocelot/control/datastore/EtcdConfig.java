package ocelot.control.datastore;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to reach etcd v3: endpoints, optional username/password (etcd's auth), optional TLS files
 * (CA to trust the server, and a client certificate + PKCS#8 key for mutual TLS).
 * {@code toString} never prints the password.
 */
public record EtcdConfig(List<URI> endpoints, String username, String password,
                         Path caCertFile, Path certFile, Path keyFile, Duration requestTimeout) {
    public EtcdConfig {
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) throw new IllegalArgumentException("etcd needs at least one endpoint");
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("etcd username and password must be given together");
        }
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("etcd client certificate and key files must be given together");
        }
        if (requestTimeout == null) requestTimeout = Duration.ofSeconds(10);
    }

    public static EtcdConfig plain(URI endpoint) {
        return new EtcdConfig(List.of(endpoint), null, null, null, null, null, null);
    }

    public boolean tls() {
        return caCertFile != null || certFile != null
                || endpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
    }

    @Override
    public String toString() {
        return "EtcdConfig[endpoints=" + endpoints + ", username=" + username
                + (password == null ? "" : ", password=<hidden>") + ", caCertFile=" + caCertFile
                + ", certFile=" + certFile + ", keyFile=" + keyFile + "]";
    }
}
