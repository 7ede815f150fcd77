package dev.accessflow.worker;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.temporal.internal.testservice.TestServicesStarter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Temporal Java test server served over TLS on a free loopback port, as a cluster would be:
 * optionally requiring a client certificate signed by the CA (mTLS), optionally requiring an API
 * key as Temporal Cloud does (authorization: Bearer KEY on every call).
 */
final class TlsTemporalServer implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final TestServicesStarter services = new TestServicesStarter(true, 0);
  private final Server server;
  /** Calls refused for a missing or wrong API key. */
  final AtomicInteger refusedKeys = new AtomicInteger();

  TlsTemporalServer(TestCertificates.Issued certificate, Path clientCa, String apiKey) {
    try {
      var ssl = GrpcSslContexts.forServer(certificate.certFile().toFile(), certificate.keyFile().toFile());
      if (clientCa != null) {
        ssl.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      NettyServerBuilder builder = NettyServerBuilder
          .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sslContext(ssl.build());
      ServerInterceptor keyCheck = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
          if (apiKey != null && !("Bearer " + apiKey).equals(headers.get(AUTHORIZATION))) {
            refusedKeys.incrementAndGet();
            call.close(Status.UNAUTHENTICATED.withDescription("API key missing or not valid"), new Metadata());
            return new ServerCall.Listener<>() { };
          }
          return next.startCall(call, headers);
        }
      };
      services.getServices().forEach(service -> builder.addService(ServerInterceptors.intercept(service, keyCheck)));
      server = builder.build().start();
    } catch (IOException e) {
      services.close();
      throw new UncheckedIOException(e);
    }
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    services.close();
  }
}
