package dev.accessflow.activities.okta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Okta's paging cursor, read from the Link header as Okta writes it (RFC 8288). */
class OktaLinkHeaderTest {
  private static final String USERS = "https://accessflow-test.okta.com/api/v1/groups/00gAPP/users";

  private static String next(String after) {
    return "<" + USERS + "?after=" + after + "&limit=2>; rel=\"next\"";
  }

  private static String self() {
    return "<" + USERS + "?limit=2>; rel=\"self\"";
  }

  @Test
  void theNextCursorIsTheAfterOfTheNextLinkWhereverItStands() {
    assertThat(OktaDirectory.nextCursor(List.of(self() + ", " + next("00u%2Bx")))).isEqualTo("00u+x");
    assertThat(OktaDirectory.nextCursor(List.of("<https://o.okta.com/api/v1/groups/g/users?limit=2&after=abc>;rel=next")))
        .isEqualTo("abc"); // Okta quotes rel; an unquoted one means the same
    assertThat(OktaDirectory.nextCursor(List.of("<https://o.okta.com/api/v1/groups/g/users?limit=2&after=abc>; rel=\"next\"")))
        .isEqualTo("abc");
    assertThat(OktaDirectory.nextCursor(List.of(self()))).isNull();
    assertThat(OktaDirectory.nextCursor(List.of())).isNull();
  }}
