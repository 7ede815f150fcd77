package dev.accessflow.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One JVM the harness started, with what /proc says about it. */
final class JavaProcess {
  /** CPU seconds and peak RSS of a process (or of all incarnations of a restarted one). */
  record Usage(double cpuSeconds, long peakRssKb) {
    Usage plus(Usage other) {
      return new Usage(cpuSeconds + other.cpuSeconds, Math.max(peakRssKb, other.peakRssKb));
    }
  }

  private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

  final String name;
  private final List<String> command;
  private final Map<String, String> env;
  private final Path log;
  /** Dropwizard admin port (health checks), when this is an accessflow replica. */
  int adminPort;
  private Process process;
  /** Usage of earlier incarnations (a killed worker's CPU still counts). */
  private Usage earlier = new Usage(0, 0);
  private Usage lastSeen = new Usage(0, 0);

  JavaProcess(String name, List<String> command, Map<String, String> env, Path log) {
    this.name = name;
    this.command = command;
    this.env = env;
    this.log = log;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> java(String... args) {
    return java(List.of(), args);
  }

  /** A java command line: this JVM's java, then {@code flags}, then {@code args}. */
  static List<String> java(List<String> flags, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** A replacement for {@code killed}: its CPU time still counts toward this role. */
  JavaProcess carrying(JavaProcess killed) {
    earlier = killed.usage();
    return this;
  }

  void start() {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + name + ": " + command, e);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no graceful stop; what a crashed host looks like. */
  void kill() {
    sample();
    earlier = earlier.plus(lastSeen);
    lastSeen = new Usage(0, 0);
    process.destroyForcibly();
    waitFor();
  }

  void stop() {
    if (process == null) {
      return;
    }
    sample();
    process.destroy();
    waitFor();
  }

  private void waitFor() {
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads CPU time and peak RSS from /proc while the process lives. */
  void sample() {
    if (!alive()) {
      return;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // Fields after "(comm) ": state is [0], utime is [11], stime is [12] (stat fields 14 and 15).
      double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
      long hwm = 0;
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          hwm = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
      lastSeen = new Usage(cpu, hwm);
    } catch (IOException | RuntimeException e) {
      // The process died between the check and the read; keep the last sample.
    }
  }

  Usage usage() {
    sample();
    return earlier.plus(lastSeen);
  }

  /** Waits until a TCP port accepts, failing with the log's tail if the process dies first. */
  void awaitPort(int port, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!alive()) {
        throw new IllegalStateException(name + " exited (" + process.exitValue() + "); see " + log + "\n" + tail());
      }
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        pause(200);
      }
    }
    throw new IllegalStateException(name + " did not open port " + port + " within " + timeout + "; see " + log + "\n" + tail());
  }

  /** Waits until GET url answers 200 (a Dropwizard health check). */
  void awaitHttp(String url, Duration timeout) {
    HttpClient client = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!alive()) {
        throw new IllegalStateException(name + " exited (" + process.exitValue() + "); see " + log + "\n" + tail());
      }
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause(250);
    }
    throw new IllegalStateException(name + " not healthy at " + url + " within " + timeout + "; see " + log + "\n" + tail());
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
