package dev.accessflow.worker;

import dev.accessflow.activities.sandbox.SandboxDirectory;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** GET /v1/sandbox/memberships: who is in which sandbox group now (only with the sandbox IdP). */
@Path("/v1/sandbox/memberships")
@Produces(MediaType.APPLICATION_JSON)
public final class SandboxResource {
  private final SandboxDirectory directory;

  public SandboxResource(SandboxDirectory directory) {
    this.directory = directory;
  }

  @GET
  public Map<String, List<String>> memberships() {
    return directory.memberships();
  }
}
