//! The `events` function: the table's stream in, one product event per change out, on the
//! stack's EventBridge bus (`EVENT_BUS_NAME`), so the LMS, HR and billing systems around the
//! product hear of it with the rules and targets AWS users already write.
//!
//! Where each event comes from (the template's filter lets only these records in):
//! - an invitation's change: the INSERT of its history item, which every change writes in the
//!   same transaction as the change (invite, resend, each mail sent or not, the mail service's
//!   reports, revoke, enrol, correction, block cleared, extension, reminder, expiry);
//! - the contract's own changes (admins, mail settings, an import begun): the INSERT of an audit
//!   item that names no invitation (those that do are the history's copies);
//! - `import.finished`: the MODIFY of an import item that leaves `running`;
//! - `contract.seats_exhausted`: the MODIFY of a contract item whose seats used reach its limit.
//!
//! At least once, each event with one id: the id is a hash of the item's key (and, for a
//! MODIFY, of what changed), so the same change has the same id however often the stream
//! delivers it, and a consumer drops repeats by id. A failed PutEvents entry reports its record
//! in `batchItemFailures`, so Lambda delivers it again (the template bisects the batch).

pub mod source;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use invitations_wire::events::{ProductEvent, EVENT_SOURCE};

/// PutEvents takes at most 10 entries a call.
const PUT_BATCH: usize = 10;

pub struct App {
    pub bridge: aws_sdk_eventbridge::Client,
    pub bus: String,
}

/// One stream batch: the events its records make, published in order; records whose events
/// the bus did not take are reported for redelivery.
pub async fn handle(
    app: &App,
    event: Event,
) -> Result<DynamoDbEventResponse, lambda_runtime::Error> {
    let mut made: Vec<(&EventRecord, ProductEvent)> = Vec::new();
    for record in &event.records {
        match source::event_of(record) {
            Ok(Some(event)) => made.push((record, event)),
            Ok(None) => {}
            // A record we cannot read will never read better: logged (keys only), skipped.
            Err(e) => tracing::error!(
                sequence = record.change.sequence_number.as_deref().unwrap_or("?"),
                error = %e,
                "stream record is not a readable item; no event"
            ),
        }
    }
    let mut failed: Vec<&EventRecord> = Vec::new();
    for chunk in made.chunks(PUT_BATCH) {
        failed.extend(app.publish(chunk).await);
    }
    let mut response = DynamoDbEventResponse::default();
    for record in failed {
        let Some(sequence) = record.change.sequence_number.clone() else {
            return Err("a failed stream record has no sequence number".into());
        };
        let mut failure = DynamoDbBatchItemFailure::default();
        failure.item_identifier = Some(sequence);
        response.batch_item_failures.push(failure);
    }
    Ok(response)
}

impl App {
    /// Puts up to 10 events; answers the records of those the bus did not take.
    async fn publish<'r>(&self, chunk: &[(&'r EventRecord, ProductEvent)]) -> Vec<&'r EventRecord> {
        let entries: Vec<PutEventsRequestEntry> =
            chunk.iter().map(|(_, e)| self.entry(e)).collect();
        let answer = self
            .bridge
            .put_events()
            .set_entries(Some(entries))
            .send()
            .await;
        match answer {
            Err(e) => {
                tracing::warn!(error = %aws_sdk_eventbridge::error::DisplayErrorContext(&e), "PutEvents failed; the records will be delivered again");
                chunk.iter().map(|(r, _)| *r).collect()
            }
            // The answer's entries are in the request's order; a failed one has an error code.
            Ok(out) => chunk
                .iter()
                .zip(out.entries().iter().map(|e| e.error_code().is_some()).chain(std::iter::repeat(true)))
                .filter(|(_, failed)| *failed)
                .map(|((r, e), _)| {
                    tracing::warn!(event = %e.id, kind = e.kind.as_str(), "the bus refused an event; it will be published again");
                    *r
                })
                .collect(),
        }
    }

    fn entry(&self, event: &ProductEvent) -> PutEventsRequestEntry {
        PutEventsRequestEntry::builder()
            .event_bus_name(&self.bus)
            .source(EVENT_SOURCE)
            .detail_type(event.kind.as_str())
            .detail(serde_json::to_string(event).expect("an event serialises"))
            .build()
    }
}
