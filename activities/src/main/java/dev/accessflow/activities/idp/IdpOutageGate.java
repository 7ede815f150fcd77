package dev.accessflow.activities.idp;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds this worker's IdP calls while the IdP is down and lets them all go the moment it answers
 * again. One call at a time is sent as the probe, at most every {@code probeEvery}; the others wait
 * on their activity thread for up to {@code maxWait} and, if the IdP is still down, fail as
 * unavailable without being sent, so Temporal retries them as before.
 *
 * <p>Why: without it every due removal and waiting grant retried on its own schedule. In the bench's
 * 40 s outage that was about 200 failing calls a second at an IdP trying to come back, and after it
 * each removal waited for its own next retry to come round through the task queue (p99 7.5 s from
 * the IdP answering again). Any answer, a refusal included, means the IdP is up; only
 * {@link AccessflowTemporal#IDP_UNAVAILABLE} (no answer, or a 5xx) means down. Thread-safe: one
 * instance wraps the IdP for every worker of a process.
 */
public final class IdpOutageGate implements IdentityProvider {
  private static final Logger log = LoggerFactory.getLogger(IdpOutageGate.class);

  /** How often, while the IdP is down, one held call is let through to see whether it is back. */
  public static final Duration PROBE_EVERY = Duration.ofMillis(250);
  /**
   * The longest a call is held. Short next to the 30 s start-to-close of an IdP activity, and it keeps
   * a removal's batch of ten attempts near a minute, inside the two minutes its lease call waits.
   */
  public static final Duration MAX_WAIT = Duration.ofSeconds(5);

  private final IdentityProvider idp;
  private final String name;
  private final long probeEveryNanos;
  private final long maxWaitNanos;
  private final Object lock = new Object();
  /** Read without the lock on the fast path: while the IdP answers, a call costs one volatile read. */
  private volatile boolean down;
  private boolean probing;
  private long nextProbeAt;
  private Instant downSince;
  /** Calls held since the outage began (a call retried by Temporal counts again), and those holding now. */
  private long held;
  private int waiting;

  /** @param name the IdP as operators know it ("Okta"), for the log and the held calls' failure */
  public IdpOutageGate(IdentityProvider idp, String name, Duration probeEvery, Duration maxWait) {
    this.idp = idp;
    this.name = name;
    this.probeEveryNanos = probeEvery.toNanos();
    this.maxWaitNanos = maxWait.toNanos();
  }

  /** The production gate: {@link #PROBE_EVERY}, {@link #MAX_WAIT}. */
  public static IdpOutageGate around(IdentityProvider idp, String name) {
    return new IdpOutageGate(idp, name, PROBE_EVERY, MAX_WAIT);
  }

  @Override
  public IdpUser resolveUser(String login) {
    return through(() -> idp.resolveUser(login));
  }

  @Override
  public void addMember(Membership membership) {
    through(() -> {
      idp.addMember(membership);
      return null;
    });
  }

  @Override
  public boolean isMember(Membership membership) {
    return through(() -> idp.isMember(membership));
  }

  @Override
  public String removeMember(Membership membership) {
    return through(() -> idp.removeMember(membership));
  }

  /** Whether the last word from the IdP was "unavailable": calls are being held. */
  public boolean holding() {
    return down;
  }

  private <T> T through(Supplier<T> call) {
    boolean probe = admit();
    try {
      T result = call.get();
      settle(probe, true);
      return result;
    } catch (ApplicationFailure failure) {
      settle(probe, !AccessflowTemporal.IDP_UNAVAILABLE.equals(failure.getType()));
      throw failure;
    } catch (RuntimeException | Error unexpected) {
      settle(probe, !down); // says nothing about the IdP: leave its state as it was
      throw unexpected;
    }
  }

  /** Returns at once while the IdP is up; while down, waits to be the probe or for the IdP to answer. */
  private boolean admit() {
    if (!down) {
      return false;
    }
    synchronized (lock) {
      long deadline = System.nanoTime() + maxWaitNanos;
      boolean counted = false;
      while (down) {
        long now = System.nanoTime();
        if (!probing && now - nextProbeAt >= 0) {
          probing = true;
          return true;
        }
        if (now - deadline >= 0) {
          throw stillDown();
        }
        if (!counted) {
          held++;
          counted = true;
        }
        long until = probing ? deadline : Math.min(deadline, nextProbeAt);
        waiting++;
        try {
          lock.wait(Math.max(1, (until - now + 999_999) / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw stillDown();
        } finally {
          waiting--;
        }
      }
      return false;
    }
  }

  private void settle(boolean probe, boolean answered) {
    if (!probe && answered == !down) {
      return; // nothing changes: the common case, no lock
    }
    synchronized (lock) {
      if (probe) {
        probing = false;
      }
      if (answered && down) {
        down = false;
        log.info("{} answers again after {} s down; {} calls were held meanwhile, the {} waiting go on now", name,
            Duration.between(downSince, Instant.now()).toSeconds(), held, waiting);
        held = 0;
      } else if (!answered) {
        if (!down) {
          down = true;
          downSince = Instant.now().truncatedTo(ChronoUnit.SECONDS);
          log.warn("{} is unavailable; holding its calls and probing every {} ms until it answers", name,
              probeEveryNanos / 1_000_000);
        }
        nextProbeAt = System.nanoTime() + probeEveryNanos;
      }
      lock.notifyAll();
    }
  }

  /**
   * The failure of a held call. It names no other call's person or group (the probe's error is about
   * someone else's request), and it stays the same through one outage, so a removal reports it once.
   */
  private ApplicationFailure stillDown() {
    return ApplicationFailure.newFailure(name + " has not answered since " + downSince
        + " (no answer or a 5xx); this call was held, not sent, until it answers again", AccessflowTemporal.IDP_UNAVAILABLE);
  }
}
