package dev.accessflow.workflows.model;

/**
 * What one page of a group's sync did. The members themselves went straight from the IdP to the
 * ledger inside the activity: the workflow holds only the cursor and counts.
 *
 * @param next the IdP's cursor of the next page; null after the last page
 * @param problem set when the group could not be listed (e.g. the IdP no longer has it); the sync moves on
 */
public record InventoryPage(String next, int members, int findings, String problem) {}
