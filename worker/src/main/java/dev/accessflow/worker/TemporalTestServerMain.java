package dev.accessflow.worker;

import ch.qos.logback.classic.Level;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.LoggerFactory;

/**
 * The Temporal Java test server as its own process, on 127.0.0.1 only (the stock TestServer main
 * binds every interface), in real time. For the benchmark harness, which runs the server, workers
 * and API replicas as separate JVMs: {@code java -cp accessflow.jar dev.accessflow.worker.TemporalTestServerMain PORT}.
 * State is in memory and dies with the process.
 */
public final class TemporalTestServerMain {
  private TemporalTestServerMain() {}

  public static void main(String[] args) throws Exception {
    // Without Dropwizard's logging setup logback would print every gRPC frame at DEBUG.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7233;
    // true = time skipping locked: real time, like a real cluster.
    TestServicesStarter services = new TestServicesStarter(true, 0);
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    services.getServices().forEach(builder::addService);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      services.close();
    }));
    // The harness waits for this line before it starts anything that connects.
    System.out.println("temporal test server listening on 127.0.0.1:" + server.getPort());
    System.out.flush();
    server.awaitTermination();
  }
}
