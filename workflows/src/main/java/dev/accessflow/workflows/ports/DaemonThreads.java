package dev.accessflow.workflows.ports;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Pools for the calls an activity makes side by side: daemon threads, so they never hold up a shutdown. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A cached pool whose threads are all named {@code name}. */
  public static ExecutorService cachedPool(String name) {
    return Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    });
  }
}
