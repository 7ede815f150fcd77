package dev.accessflow.worker;

import dev.accessflow.workflows.AccessflowTemporal;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers accessflow's custom search attributes on the namespace, if missing. Without them every
 * workflow task that upserts a status would fail, so a failure here is logged loudly.
 */
final class SearchAttributeSetup {
  private static final Logger log = LoggerFactory.getLogger(SearchAttributeSetup.class);

  private SearchAttributeSetup() {}

  static void ensure(WorkflowServiceStubs service, String namespace) {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(OperatorServiceStubsOptions.newBuilder()
        .setChannel(service.getRawChannel()).validateAndBuildWithDefaults());
    try {
      Set<String> existing = Set.of();
      try {
        existing = operator.blockingStub().listSearchAttributes(ListSearchAttributesRequest.newBuilder()
            .setNamespace(namespace).build()).getCustomAttributesMap().keySet();
      } catch (StatusRuntimeException e) {
        log.debug("could not list search attributes: {}", e.getStatus());
      }
      Map<String, IndexedValueType> missing = new HashMap<>();
      for (var key : AccessflowTemporal.SEARCH_ATTRIBUTES) {
        if (!existing.contains(key.getName())) {
          missing.put(key.getName(), key.getValueType());
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
          .setNamespace(namespace).putAllSearchAttributes(missing).build());
      log.info("registered search attributes {} on namespace {}", missing.keySet(), namespace);
    } catch (StatusRuntimeException e) {
      log.error("could not register search attributes {} on namespace {} ({}); create them with "
          + "'temporal operator search-attribute create' or workflows will not be able to record their status",
          AccessflowTemporal.SEARCH_ATTRIBUTES.stream().map(k -> k.getName()).toList(), namespace, e.getStatus());
    } finally {
      operator.shutdown();
    }
  }
}
