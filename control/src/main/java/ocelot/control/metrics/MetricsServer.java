package ocelot.control.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP endpoint (JDK's built-in server, one virtual thread per request):
 * {@code /metrics} in Prometheus text format, {@code /health} (JSON with every check),
 * {@code /liveness} and {@code /readiness} (Felix's paths: 200 or 503).
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();
    private final NodeHealth health;

    private MetricsServer(HttpServer server, NodeHealth health) {
        this.server = server;
        this.health = health;
    }

    /** Binds {@code host:port} ("127.0.0.1:9091"; port 0 picks a free one) and serves. */
    public static MetricsServer start(String address, NodeHealth health) throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("--metrics-address '" + address + "': want HOST:PORT");
        String host = address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--metrics-address '" + address + "': port is not a number");
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host.replace("[", "").replace("]", ""), port), 16);
        } catch (IOException e) {
            throw new IOException("--metrics-address " + address + ": " + e.getMessage() + " (another node on this host? choose another port)", e);
        }
        MetricsServer s = new MetricsServer(http, health);
        http.createContext("/metrics", s::metrics);
        http.createContext("/health", ex -> s.health(ex, "health"));
        http.createContext("/liveness", ex -> s.health(ex, "liveness"));
        http.createContext("/readiness", ex -> s.health(ex, "readiness"));
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        return s;
    }

    public void add(MetricsSource source) { sources.add(source); }

    /** The bound address (host:port), e.g. to print or to find the port chosen for 0. */
    public InetSocketAddress address() { return server.getAddress(); }

    /** The whole exposition text, as a scrape gets it. */
    public String scrape() {
        PrometheusText text = new PrometheusText();
        for (MetricsSource s : sources) {
            try {
                s.writeTo(text);
            } catch (RuntimeException e) {
                LOG.warn("metrics source {} failed: {}", s, e.getMessage());
            }
        }
        return text.toString();
    }

    private void metrics(HttpExchange ex) throws IOException {
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", scrape());
    }

    private void health(HttpExchange ex, String which) throws IOException {
        NodeHealth.Report r = health.report();
        boolean ok = switch (which) {
            case "liveness" -> r.live();
            case "readiness" -> r.ready();
            default -> r.live() && r.ready();
        };
        send(ex, ok ? 200 : 503, "application/json", r.json() + "\n");
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() { server.stop(0); }
}
