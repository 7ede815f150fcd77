package dev.accessflow.worker;

import dev.accessflow.workflows.AccessflowTemporal;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
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

  static void ensure(WorkflowServiceStubs service, String namespace, String apiKey) {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(TemporalConnection.operatorOptions(service, apiKey));
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
      log.error(refusal(namespace, e.getStatus()));
    } finally {
      operator.shutdown();
    }
  }

  /** The type as the temporal CLI and tcld name it. */
  static String typeName(IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      case INDEXED_VALUE_TYPE_DATETIME -> "Datetime";
      case INDEXED_VALUE_TYPE_BOOL -> "Bool";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      default -> "Keyword";
    };
  }

  /**
   * What to do when the cluster will not register them: Temporal Cloud never lets a namespace's
   * client do it (they are set up once with tcld or in the Cloud UI); a self-hosted cluster may
   * refuse a client without admin rights.
   */
  static String refusal(String namespace, io.grpc.Status status) {
    StringBuilder cli = new StringBuilder();
    StringBuilder tcld = new StringBuilder();
    for (var key : AccessflowTemporal.SEARCH_ATTRIBUTES) {
      String type = typeName(key.getValueType());
      cli.append(" --name ").append(key.getName()).append(" --type ").append(type);
      tcld.append(" --sa \"").append(key.getName()).append('=').append(type).append('"');
    }
    boolean cloud = status.getCode() == io.grpc.Status.Code.PERMISSION_DENIED
        || status.getCode() == io.grpc.Status.Code.UNIMPLEMENTED;
    return "search attributes: the cluster did not register accessflow's on namespace " + namespace + " ("
        + status.getCode() + (cloud ? "; Temporal Cloud and clients without admin rights cannot" : "") + ")."
        + " Until they exist, every workflow task that records a request's status fails. Create them once:"
        + " self-hosted: temporal operator search-attribute create --namespace " + namespace + cli
        + "; Temporal Cloud: tcld namespace search-attributes add --namespace " + namespace + tcld
        + " (or the namespace's page in the Cloud UI).";
  }
}
