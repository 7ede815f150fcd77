package dev.accessflow.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The JSON body of every error: the HTTP code, what was wrong, and the field at fault if any. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(int code, String message, String field) {}
