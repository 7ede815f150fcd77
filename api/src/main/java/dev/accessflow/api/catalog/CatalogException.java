package dev.accessflow.api.catalog;

/** A catalog that cannot be used; the message names the file, app, role and field. */
public final class CatalogException extends RuntimeException {
  public CatalogException(String message) {
    super(message);
  }

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}
