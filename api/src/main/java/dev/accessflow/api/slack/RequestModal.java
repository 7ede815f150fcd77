package dev.accessflow.api.slack;

import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.option;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.block.element.BlockElements.staticSelect;
import com.slack.api.model.view.Views;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionGroupObject;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.accessflow.api.AccessRequestIntake;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.api.catalog.CatalogRole;
import dev.accessflow.workflows.model.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The /access modal: what it offers a requester, and what a submission asks for. */
public final class RequestModal {
  public static final String CALLBACK_ID = "access_request";
  public static final String ROLE_BLOCK = "role";
  public static final String ROLE_ACTION = "access_role";
  public static final String DURATION_BLOCK = "duration";
  public static final String DURATION_ACTION = "access_duration";
  public static final String REASON_BLOCK = "reason";
  public static final String REASON_ACTION = "access_reason";

  private final Catalog catalog;

  public RequestModal(Catalog catalog) {
    this.catalog = catalog.requestable();
  }

  /**
   * Whether this person may ask for this role here. Today: not when they are its only approver
   * (nobody could approve it). The approval policy owns this rule; it is one method so the policy
   * model can replace it.
   */
  public static boolean mayRequest(String requester, CatalogRole role) {
    // Every stage of the role's route needs someone other than the requester: their manager (filled
    // in from the IdP by the workflow) or a named approver. An empty route is auto-approval.
    return role.route().stream().allMatch(stage -> stage.requesterManager()
        || stage.approvers().stream().anyMatch(a -> !a.equalsIgnoreCase(requester))
        || !stage.escalateTo().isEmpty());
  }

  /** Whether the requester may ask for this app's role (false for unknown roles, which the intake names). */
  public boolean allows(String requester, String appId, String roleId) {
    return catalog.app(appId).flatMap(app -> app.role(roleId)).map(role -> mayRequest(requester, role)).orElse(true);
  }

  /** The modal for this requester: only the roles they may request, grouped by app. */
  public View view(String requester) {
    return view(requester, null);
  }

  /**
   * The modal once a role is chosen: the duration list narrows to what that role allows. The
   * duration block gets a new id per role so Slack drops a choice the new role does not offer.
   */
  public View view(String requester, String chosenRole) {
    List<OptionGroupObject> groups = new ArrayList<>();
    TreeSet<Duration> durations = new TreeSet<>();
    OptionObject chosen = null;
    for (CatalogApp app : catalog.apps().values()) {
      List<OptionObject> roles = new ArrayList<>();
      for (CatalogRole role : app.roles().values()) {
        if (mayRequest(requester, role)) {
          String key = app.id() + "/" + role.id();
          OptionObject option = option(plainText(truncate(app.name() + " / " + role.name(), 75)), key);
          roles.add(option);
          if (chosenRole == null) {
            durations.addAll(role.durations());
          } else if (chosenRole.equals(key)) {
            durations.addAll(role.durations());
            chosen = option;
          }
        }
      }
      if (!roles.isEmpty()) {
        groups.add(OptionGroupObject.builder().label(plainText(truncate(app.name(), 75))).options(roles).build());
      }
    }
    List<OptionObject> durationOptions = durations.stream()
        .map(d -> option(plainText(human(d)), d.toString()))
        .toList();
    OptionObject initialRole = chosen;
    String durationBlock = chosen == null ? DURATION_BLOCK : DURATION_BLOCK + ":" + chosenRole;
    List<LayoutBlock> blocks = List.of(
        section(s -> s.text(markdownText("Ask for time-boxed access. Approvers are asked in Slack; you get a DM"
            + " when it is decided."))),
        input(i -> i.blockId(ROLE_BLOCK).label(plainText("App and role")).dispatchAction(true)
            .element(staticSelect(e -> e.actionId(ROLE_ACTION).placeholder(plainText("Pick a role")).optionGroups(groups)
                .initialOption(initialRole)))),
        input(i -> i.blockId(durationBlock).label(plainText("For how long"))
            .hint(plainText(initialRole == null ? "Pick a role first to see only the durations it allows."
                : "The durations this role allows."))
            .element(staticSelect(e -> e.actionId(DURATION_ACTION).placeholder(plainText("Pick a duration"))
                .options(durationOptions)))),
        input(i -> i.blockId(REASON_BLOCK).label(plainText("Business reason"))
            .element(plainTextInput(e -> e.actionId(REASON_ACTION).multiline(true).maxLength(2000)))));
    return Views.view(v -> v.type("modal").callbackId(CALLBACK_ID)
        .title(viewTitle(t -> t.type("plain_text").text("Request access")))
        .submit(viewSubmit(t -> t.type("plain_text").text("Request")))
        .close(viewClose(t -> t.type("plain_text").text("Cancel")))
        .blocks(blocks));
  }

  /** What a submitted modal asks for; missing choices are left null for the intake to name. */
  public static AccessRequestIntake.Ask ask(String requestId, String requester, ViewState state) {
    Map<String, Map<String, ViewState.Value>> values = state == null || state.getValues() == null ? Map.of() : state.getValues();
    String role = selected(values, ROLE_BLOCK, ROLE_ACTION);
    String app = null;
    if (role != null && role.contains("/")) {
      app = role.substring(0, role.indexOf('/'));
      role = role.substring(role.indexOf('/') + 1);
    }
    String duration = selected(values, durationBlock(values), DURATION_ACTION);
    ViewState.Value reason = values.getOrDefault(REASON_BLOCK, Map.of()).get(REASON_ACTION);
    return new AccessRequestIntake.Ask(requestId, requester, app, role, duration, reason == null ? null : reason.getValue(),
        Channel.SLACK, null);
  }

  /** The modal block that shows an intake complaint about this field. */
  public static String blockFor(String field, ViewState state) {
    if (field == null) {
      return ROLE_BLOCK;
    }
    return switch (field) {
      case "duration" -> durationBlock(state == null || state.getValues() == null ? Map.of() : state.getValues());
      case "reason" -> REASON_BLOCK;
      default -> ROLE_BLOCK;
    };
  }

  /** The duration block's id in this submission (it changes with the chosen role). */
  private static String durationBlock(Map<String, Map<String, ViewState.Value>> values) {
    return values.keySet().stream().filter(id -> id.equals(DURATION_BLOCK) || id.startsWith(DURATION_BLOCK + ":"))
        .findFirst().orElse(DURATION_BLOCK);
  }

  private static String selected(Map<String, Map<String, ViewState.Value>> values, String block, String action) {
    ViewState.Value value = values.getOrDefault(block, Map.of()).get(action);
    return value == null || value.getSelectedOption() == null ? null : value.getSelectedOption().getValue();
  }

  static String human(Duration d) {
    if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) {
      return d.toDays() + (d.toDays() == 1 ? " day" : " days");
    }
    if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) {
      return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
    }
    if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) {
      return d.toMinutes() + (d.toMinutes() == 1 ? " minute" : " minutes");
    }
    return d.toSeconds() + " seconds";
  }

  static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
