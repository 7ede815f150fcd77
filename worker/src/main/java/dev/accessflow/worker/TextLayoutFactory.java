package dev.accessflow.worker;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.logging.common.layout.DiscoverableLayoutFactory;
import io.dropwizard.logging.common.layout.DropwizardLayoutFactory;
import java.util.TimeZone;

/**
 * Dropwizard's own text layout under the name {@code text}, so the shipped configuration can say
 * {@code layout: {type: ${LOG_FORMAT:-text}}} and {@code LOG_FORMAT=json} switches to the JSON one
 * (Dropwizard registers only {@code json} and {@code access-json} as layout types).
 */
@JsonTypeName("text")
public final class TextLayoutFactory implements DiscoverableLayoutFactory<ILoggingEvent> {
  @Override
  public LayoutBase<ILoggingEvent> build(LoggerContext context, TimeZone timeZone) {
    return new DropwizardLayoutFactory().build(context, timeZone);
  }
}
