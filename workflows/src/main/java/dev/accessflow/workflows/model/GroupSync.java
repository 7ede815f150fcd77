package dev.accessflow.workflows.model;

/** The end of one group's sync: members seen, memberships gone since the last sync, findings opened. */
public record GroupSync(int members, int gone, int findings) {}
