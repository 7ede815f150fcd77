package dev.accessflow.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Hostile inputs through the REST API: each must be answered 4xx with a message, start no
 * workflow and change no membership. The Jira webhook (HMAC-signed) and Slack are not in this run:
 * the bench process has no Jira configured, so /jira/webhook is not served (see README).
 */
final class Hostile {
  /** One kind of bad input, aimed at a target request created beforehand. */
  record Attack(String name, Function<Target, Api.Reply> send) {}

  /** Requests that exist (pending approval) for decision attacks. */
  record Target(Api api, String requestId, String requester) {}

  static List<Attack> attacks() {
    String huge = "x".repeat(300_000);
    List<Attack> a = new ArrayList<>();
    a.add(new Attack("malformed JSON", t -> t.api().post("/v1/requests", "{\"app\": \"bench-app\", \"role\":", Cluster.TOKEN, null)));
    a.add(new Attack("wrong types", t -> t.api().post("/v1/requests",
        "{\"requester\":42,\"app\":[1],\"role\":{\"a\":1},\"duration\":true,\"reason\":7}", Cluster.TOKEN, null)));
    a.add(new Attack("huge body", t -> t.api().fresh().post("/v1/requests", "{\"requester\":\"u1@bench.example\",\"app\":\"bench-app\","
        + "\"role\":\"operator\",\"duration\":\"PT60S\",\"reason\":\"" + huge + "\"}", Cluster.TOKEN, null)));
    a.add(new Attack("unknown app", t -> t.api().create("u900001@bench.example", "no-such-app", "operator", "PT60S", "x")));
    a.add(new Attack("unknown role", t -> t.api().create("u900002@bench.example", Cluster.APP, "root", "PT60S", "x")));
    a.add(new Attack("duration not allowed", t -> t.api().create("u900003@bench.example", Cluster.APP, Cluster.ROLE, "P30D", "x")));
    a.add(new Attack("duration garbage", t -> t.api().create("u900004@bench.example", Cluster.APP, Cluster.ROLE, "soon", "x")));
    a.add(new Attack("missing reason", t -> t.api().post("/v1/requests", "{\"requester\":\"u900005@bench.example\",\"app\":\"bench-app\","
        + "\"role\":\"operator\",\"duration\":\"PT60S\"}", Cluster.TOKEN, null)));
    a.add(new Attack("no token", t -> t.api().post("/v1/requests", "{}", null, null)));
    a.add(new Attack("wrong token", t -> t.api().post("/v1/requests", "{}", "not-the-token-0123456789", null)));
    a.add(new Attack("existing requestId", t -> t.api().post("/v1/requests", "{\"requestId\":\"" + t.requestId()
        + "\",\"requester\":\"u900006@bench.example\",\"app\":\"bench-app\",\"role\":\"operator\",\"duration\":\"PT60S\",\"reason\":\"x\"}",
        Cluster.TOKEN, null)));
    a.add(new Attack("outsider decides someone else's request", t -> t.api().decide(t.requestId(), "APPROVE",
        "mallory@bench.example", null)));
    a.add(new Attack("requester approves own request", t -> t.api().decide(t.requestId(), "APPROVE", t.requester(), null)));
    a.add(new Attack("decision on unknown request", t -> t.api().decide("REQ-NOSUCH99", "APPROVE", Cluster.APPROVER, null)));
    a.add(new Attack("verdict not a verdict", t -> t.api().post("/v1/requests/" + t.requestId() + "/decision",
        "{\"verdict\":\"MAYBE\",\"actor\":\"approver1@bench.example\"}", Cluster.TOKEN, null)));
    a.add(new Attack("decision malformed JSON", t -> t.api().post("/v1/requests/" + t.requestId() + "/decision",
        "{\"verdict\":", Cluster.TOKEN, null)));
    a.add(new Attack("decision without token", t -> t.api().post("/v1/requests/" + t.requestId() + "/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"approver1@bench.example\"}", null, null)));
    a.add(new Attack("extend beyond the maximum by an outsider", t -> t.api().post("/v1/requests/" + t.requestId() + "/extend",
        "{\"duration\":\"P365D\",\"actor\":\"mallory@bench.example\"}", Cluster.TOKEN, null)));
    return a;
  }

  /** Fires {@code total} attacks round-robin; returns per-kind status counts and every violation. */
  static Map<String, Object> run(List<Target> targets, int total) {
    List<Attack> attacks = attacks();
    Map<String, Map<Integer, Integer>> byKind = new LinkedHashMap<>();
    List<String> violations = new ArrayList<>();
    int bad = 0;
    for (int i = 0; i < total; i++) {
      Attack attack = attacks.get(i % attacks.size());
      Target target = targets.get(i % targets.size());
      Api.Reply reply = attack.send().apply(target);
      byKind.computeIfAbsent(attack.name(), k -> new LinkedHashMap<>()).merge(reply.status(), 1, Integer::sum);
      boolean clientError = reply.status() >= 400 && reply.status() < 500;
      boolean hasMessage = reply.body() != null && !reply.body().path("message").asText().isBlank();
      if (!clientError || !hasMessage) {
        bad++;
      }
      if ((!clientError || !hasMessage) && violations.size() < 20) {
        String raw = reply.raw() == null ? "" : reply.raw();
        violations.add(attack.name() + ": " + reply.status() + " " + raw.substring(0, Math.min(200, raw.length())));
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("inputs", total);
    out.put("statusesByKind", byKind);
    out.put("not4xxWithMessage", bad);
    out.put("violations", violations);
    return out;
  }
}
