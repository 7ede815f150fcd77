package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.NoticeBatch;
import dev.accessflow.workflows.model.NoticeReceipt;
import io.temporal.activity.ActivityInterface;

/**
 * One activity per step of a request for everything it tells people: the ticket's audit entries
 * and the chat messages together (one activity instead of one per message), each port's failures
 * kept apart. Implemented by {@link NoticeDelivery} over the ticket and chat ports.
 */
@ActivityInterface(namePrefix = "Notices")
public interface RequestNotices {

  /** Delivers the ticket part and the chat part of the batch, each in order; says how far each got. */
  NoticeReceipt deliver(NoticeBatch batch);
}
