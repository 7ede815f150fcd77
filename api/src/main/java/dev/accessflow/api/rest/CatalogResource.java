package dev.accessflow.api.rest;

import dev.accessflow.api.catalog.Catalog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** GET /v1/catalog: the apps and roles people can ask for. */
@Path("/v1/catalog")
@Produces(MediaType.APPLICATION_JSON)
public final class CatalogResource {
  private final Catalog catalog;

  public CatalogResource(Catalog catalog) {
    this.catalog = catalog.requestable();
  }

  @GET
  public Catalog catalog() {
    return catalog;
  }
}
