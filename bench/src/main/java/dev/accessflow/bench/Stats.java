package dev.accessflow.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** p50 / p99 / max of a sample (nearest-rank), in the sample's own unit. */
record Stats(int n, double p50, double p99, double max) {
  static Stats of(Collection<? extends Number> values) {
    List<Double> sorted = new ArrayList<>();
    values.forEach(v -> sorted.add(v.doubleValue()));
    if (sorted.isEmpty()) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
    }
    Collections.sort(sorted);
    return new Stats(sorted.size(), rank(sorted, 0.50), rank(sorted, 0.99), sorted.get(sorted.size() - 1));
  }

  private static double rank(List<Double> sorted, double q) {
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("n", n);
    m.put("p50", round(p50));
    m.put("p99", round(p99));
    m.put("max", round(max));
    return m;
  }

  private static Object round(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
  }
}
