package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.worker.SlackStub.Person;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 200 signed Approve clicks on one request at the same moment (two approvers, double clicks):
 * every click must be acknowledged well inside Slack's 3 seconds, exactly one decision must stand,
 * and every other clicker must be told who decided. Prints p50/p99/max acknowledgement latency.
 *
 * <p>Not part of the normal build; run it with
 * {@code mvn -B -o test -pl worker -am -Dtest=SlackAckBenchmark -Dsurefire.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("benchmark")
@ExtendWith(DropwizardExtensionsSupport.class)
class SlackAckBenchmark {
  private static final int CLICKS = 200;
  static final SlackStub SLACK = new SlackStub();
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(SLACK.config("xoxb-test"));

  @AfterAll
  static void stopSlack() {
    SLACK.stop();
  }

  @Test
  void twoHundredConcurrentClicksAreAllAcknowledgedFastAndDecideOnce() throws Exception {
    Http http = new Http(APP.getLocalPort());
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    // Warm the Slack identity cache and Bolt's auth.test once, as a running process would be.
    slack.send(SlackPayloads.slashCommand(SlackStub.DANA.userId(), "warm-up"));
    // The first round runs on a cold JVM (JIT, connection set-up); the second is the steady state.
    round(http, slack, "cold");
    round(http, slack, "warm");
  }

  private static void round(Http http, SlackPayloads slack, String name) throws Exception {
    String requestId = http.post("/v1/requests", """
        {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT1M","reason":"benchmark"}""")
        .text("requestId");
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < CLICKS; i++) {
      Person who = i % 2 == 0 ? SlackStub.MARIA : SlackStub.OMAR;
      bodies.add(SlackPayloads.click("access_approve", requestId, who.userId(), who.dmChannel(), who.promptTs(),
          "7000." + i, SLACK.responseUrl(name + "-" + i)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(CLICKS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<SlackPayloads.Reply>> replies = new ArrayList<>();
    for (String body : bodies) {
      replies.add(pool.submit(() -> {
        go.await();
        return slack.send(body);
      }));
    }
    long started = System.nanoTime();
    go.countDown();
    List<Long> millis = new ArrayList<>();
    for (Future<SlackPayloads.Reply> reply : replies) {
      SlackPayloads.Reply r = reply.get();
      assertThat(r.status()).isEqualTo(200);
      millis.add(Duration.ofNanos(r.nanos()).toMillis());
    }
    long wall = Duration.ofNanos(System.nanoTime() - started).toMillis();
    pool.shutdown();
    Collections.sort(millis);
    long p50 = millis.get(millis.size() / 2);
    long p99 = millis.get((int) Math.ceil(millis.size() * 0.99) - 1);
    long max = millis.get(millis.size() - 1);

    // Every clicker hears back; exactly one decision was recorded.
    long recorded = 0;
    for (int i = 0; i < CLICKS; i++) {
      String answer = SLACK.awaitResponse(name + "-" + i, Duration.ofSeconds(60));
      if (answer.contains("Recorded")) {
        recorded++;
      } else {
        assertThat(answer).contains("already");
      }
    }
    long answeredIn = Duration.ofNanos(System.nanoTime() - started).toMillis();
    System.out.println(String.format("SLACK-ACK-BENCHMARK %s: %d concurrent signed clicks, ack latency p50=%d ms p99=%d ms"
        + " max=%d ms, all acked in %d ms; all clickers answered in %d ms; decisions recorded: %d",
        name, CLICKS, p50, p99, max, wall, answeredIn, recorded));
    assertThat(recorded).isEqualTo(1);
    assertThat(http.get("/v1/requests/" + requestId).body().path("decisions")).hasSize(1);
    assertThat(max).isLessThan(3000);
  }
}
