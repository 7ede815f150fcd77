package dev.accessflow.worker;

import io.dropwizard.lifecycle.Managed;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: the Temporal Java test server in-process, on 127.0.0.1 only (the stock
 * TestServer main binds every interface). Real time, no time skipping. State lives in memory.
 */
public final class EmbeddedTemporal implements Managed {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedTemporal.class);
  private final TestServicesStarter services;
  private final Server server;

  private EmbeddedTemporal(TestServicesStarter services, Server server) {
    this.services = services;
    this.server = server;
  }

  /** Starts at once (the worker and client need it during wiring); port 0 picks a free port. */
  public static EmbeddedTemporal start(int port) {
    // true = time skipping locked: the embedded server keeps real time, like a real cluster.
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    services.getServices().forEach(builder::addService);
    try {
      Server server = builder.build().start();
      log.warn("""

          ******************************************************************************
          * EMBEDDED MODE: Temporal test server on 127.0.0.1:{} with IN-MEMORY state.  *
          * Every request, approval and grant is lost when this process stops.         *
          * Set temporal.target (TEMPORAL_ADDRESS) to use a real Temporal cluster.     *
          ******************************************************************************""", server.getPort());
      return new EmbeddedTemporal(services, server);
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException("could not start the embedded Temporal server on 127.0.0.1:" + port
          + " (is another Temporal already there? set temporal.embeddedPort)", e);
    }
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void stop() {
    server.shutdownNow();
    services.close();
  }
}
