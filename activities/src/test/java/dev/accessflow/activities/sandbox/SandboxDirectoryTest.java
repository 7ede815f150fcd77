package dev.accessflow.activities.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.activities.sandbox.SandboxDirectory.SandboxUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.AppSignIns;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sandbox IdP's sign-in log: what reclaim reads on the embedded default. */
class SandboxDirectoryTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private final SandboxDirectory directory = new SandboxDirectory(List.of(
      new SandboxUser("ada@example.com", "Ada", null, "Eng"), new SandboxUser("ben@example.com", "Ben", null, "Eng")),
      List.of("grafana-admins"));

  @Test
  void signInsToAnAppAreReadInTheirWindowOldestFirstPageByPage() {
    directory.signIn("ben@example.com", "0oaGRAFANA", T0.plusSeconds(20));
    directory.signIn("Ada@Example.com", "0oaGRAFANA", T0.plusSeconds(10));
    directory.signIn("ada@example.com", "0oaOTHER", T0.plusSeconds(15));
    directory.signIn("ada@example.com", "0oaGRAFANA", T0.plusSeconds(30));
    directory.signIn("ben@example.com", "0oaGRAFANA", T0.plusSeconds(99)); // past the window

    List<AppSignIns.SignIn> read = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      AppSignIns.SignInPage page = directory.signIns("0oaGRAFANA", T0, T0.plusSeconds(60), cursor, 2);
      read.addAll(page.signIns());
      cursor = page.next();
      pages++;
    } while (cursor != null);

    assertThat(pages).isEqualTo(2);
    assertThat(read).extracting(AppSignIns.SignIn::login, AppSignIns.SignIn::at).containsExactly(
        org.assertj.core.groups.Tuple.tuple("ada@example.com", T0.plusSeconds(10)),
        org.assertj.core.groups.Tuple.tuple("ben@example.com", T0.plusSeconds(20)),
        org.assertj.core.groups.Tuple.tuple("ada@example.com", T0.plusSeconds(30)));
    assertThat(read.get(0).idpUserId()).isEqualTo(directory.idOf("ada@example.com"));
  }

  @Test
  void aSignInToAnAppIsAnIdpLoginTooAndAnUnknownPersonCannotSignIn() {
    directory.signIn("ada@example.com", "0oaGRAFANA", T0.plusSeconds(30));
    directory.signIn("ada@example.com", T0); // older: the last login stays the newer one

    assertThat(directory.resolveUser("ada@example.com").lastLogin()).isEqualTo(T0.plusSeconds(30));
    assertThatThrownBy(() -> directory.signIn("eve@example.com", "0oaGRAFANA", T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eve@example.com");
    assertThat(directory.signIns("0oaNONE", T0, T0.plusSeconds(60), null, 10).signIns()).isEmpty();
    assertThat(directory.isMember(new Membership("r", "ada@example.com", directory.idOf("ada@example.com"),
        "grafana-admins"))).isFalse();
  }
}
