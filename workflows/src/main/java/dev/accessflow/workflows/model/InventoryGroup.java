package dev.accessflow.workflows.model;

/**
 * A catalog group the inventory keeps: the IdP group and the app and role it grants (the first role
 * of the catalog that names it), with that role's drift policy.
 *
 * @param drift what happens to a membership with no grant behind it: report, remove or adopt
 * @param graceSeconds under remove, how long the person has to file a request before the removal
 */
public record InventoryGroup(String groupId, String app, String role, String drift, long graceSeconds) {}
