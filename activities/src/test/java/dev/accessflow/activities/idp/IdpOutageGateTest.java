package dev.accessflow.activities.idp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdpOutageGateTest {

  /** An IdP that is down, refuses, or answers, as the test says; it records every call it gets. */
  private static final class SwitchableIdp implements IdentityProvider {
    volatile String answer = "up"; // up | down | refuse
    final AtomicInteger inFlightWhileDown = new AtomicInteger();
    final AtomicInteger mostInFlightWhileDown = new AtomicInteger();
    final List<Long> downCallStarts = new CopyOnWriteArrayList<>();
    final List<String> removed = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String removeMember(Membership m) {
      calls.incrementAndGet();
      switch (answer) {
        case "down" -> {
          downCallStarts.add(System.nanoTime());
          int now = inFlightWhileDown.incrementAndGet();
          mostInFlightWhileDown.accumulateAndGet(now, Math::max);
          try {
            Thread.sleep(2); // an unreachable IdP takes a moment to fail
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          inFlightWhileDown.decrementAndGet();
          throw ApplicationFailure.newFailure("Okta unreachable while trying to remove user " + m.login(),
              AccessflowTemporal.IDP_UNAVAILABLE);
        }
        case "refuse" -> throw ApplicationFailure.newNonRetryableFailure("Okta refused: HTTP 403",
            AccessflowTemporal.IDP_REJECTED);
        default -> {
          removed.add(m.login());
          return null;
        }
      }
    }

    @Override
    public IdpUser resolveUser(String login) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void addMember(Membership membership) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isMember(Membership membership) {
      throw new UnsupportedOperationException();
    }
  }

  private static Membership of(String login) {
    return new Membership("req-" + login, login, "00u" + login, "00g-grafana");
  }

  @Test
  void whileTheIdpAnswersEveryCallGoesStraightThrough() {
    SwitchableIdp idp = new SwitchableIdp();
    IdpOutageGate gate = new IdpOutageGate(idp, "Okta", Duration.ofHours(1), Duration.ofHours(1));

    for (int i = 0; i < 5; i++) {
      assertThat(gate.removeMember(of("u" + i))).isNull();
    }

    assertThat(idp.calls).hasValue(5);
    assertThat(gate.holding()).isFalse();
  }

  @Test
  void whileTheIdpIsDownOneCallAtATimeProbesItAndEveryHeldCallGoesOnWhenItAnswers() throws Exception {
    SwitchableIdp idp = new SwitchableIdp();
    Duration probeEvery = Duration.ofMillis(20);
    IdpOutageGate gate = new IdpOutageGate(idp, "Okta", probeEvery, Duration.ofMinutes(1));
    idp.answer = "down";
    assertThatThrownBy(() -> gate.removeMember(of("first"))).isInstanceOf(ApplicationFailure.class);
    assertThat(gate.holding()).isTrue();

    ExecutorService callers = Executors.newFixedThreadPool(30);
    int probesFailed = 0;
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        Membership m = of("held" + i);
        results.add(callers.submit(() -> gate.removeMember(m)));
      }
      // Let the outage last a few probes, then bring the IdP back.
      while (idp.downCallStarts.size() < 6) {
        Thread.sleep(5);
      }
      idp.answer = "up";
      for (Future<String> result : results) {
        try {
          assertThat(result.get(30, TimeUnit.SECONDS)).isNull();
        } catch (ExecutionException probeFailed) {
          // a held call sent as the probe while the IdP was still down fails, and Temporal retries it
          assertThat(probeFailed.getCause()).isInstanceOf(ApplicationFailure.class);
          probesFailed++;
        }
      }
    } finally {
      callers.shutdownNow();
    }

    assertThat(idp.mostInFlightWhileDown).as("calls reaching the IdP at once while it was down").hasValue(1);
    List<Long> starts = idp.downCallStarts;
    for (int i = 1; i < starts.size(); i++) {
      assertThat(starts.get(i) - starts.get(i - 1)).as("gap between probes %d and %d", i - 1, i)
          .isGreaterThanOrEqualTo(probeEvery.toNanos());
    }
    assertThat(probesFailed).as("failed probes").isEqualTo(starts.size() - 1).isGreaterThanOrEqualTo(5);
    assertThat(idp.removed).as("every other held call sent once, after the IdP came back")
        .hasSize(30 - probesFailed).doesNotHaveDuplicates();
    assertThat(gate.holding()).isFalse();
  }

  @Test
  void aCallHeldLongerThanTheLongestWaitFailsAsUnavailableWithoutBeingSentOrNamingAnotherRequest() {
    SwitchableIdp idp = new SwitchableIdp();
    IdpOutageGate gate = new IdpOutageGate(idp, "Okta", Duration.ofHours(1), Duration.ofMillis(50));
    idp.answer = "down";
    assertThatThrownBy(() -> gate.removeMember(of("first"))).isInstanceOf(ApplicationFailure.class);

    assertThatThrownBy(() -> gate.removeMember(of("second")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_UNAVAILABLE);
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getOriginalMessage()).startsWith("Okta has not answered since ")
              .contains("held, not sent").doesNotContain("first");
        });
    assertThat(idp.calls).as("only the first call reached the IdP").hasValue(1);
  }

  @Test
  void aRefusalIsAnAnswerAndEndsTheHolding() {
    SwitchableIdp idp = new SwitchableIdp();
    IdpOutageGate gate = new IdpOutageGate(idp, "Okta", Duration.ZERO, Duration.ofHours(1));
    idp.answer = "down";
    assertThatThrownBy(() -> gate.removeMember(of("first"))).isInstanceOf(ApplicationFailure.class);
    idp.answer = "refuse";

    assertThatThrownBy(() -> gate.removeMember(of("second")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_REJECTED));

    assertThat(gate.holding()).isFalse();
    idp.answer = "up";
    assertThat(gate.removeMember(of("third"))).isNull();
    assertThat(idp.calls).hasValue(3);
  }
}
