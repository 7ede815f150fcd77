package dev.accessflow.worker;

import org.junit.jupiter.api.Test;

/** Inventory settings checked before anything starts. */
class InventorySettingsTest {

  @Test
  void anInventoryIntervalThatWouldSpinOrAPageOktaWouldRefuseStopsStartUpWithTheSettingNamed() {
    AccessflowConfiguration.InventorySettings settings = new AccessflowConfiguration.InventorySettings();
    settings.syncInterval = java.time.Duration.ZERO;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AccessflowApplication.checkInventory(settings))
        .hasMessageContaining("inventory.syncInterval: must be at least PT1S");
    settings.syncInterval = java.time.Duration.ofMinutes(15);
    settings.pageSize = 5_000;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AccessflowApplication.checkInventory(settings))
        .hasMessageContaining("inventory.pageSize: must be 1 to 1000");
    settings.enabled = false;
    AccessflowApplication.checkInventory(settings); // off: nothing to check
  }
}
