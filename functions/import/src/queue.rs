//! Where a large import's chunks wait for their invocations (issue 33): an SQS queue whose
//! messages start the import function again, one chunk each.

use async_trait::async_trait;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

#[async_trait]
pub trait ChunkQueue: Send + Sync {
    /// Sends every message (JSON bodies), or fails: a plan run again sends them all again,
    /// which the chunks take as the same chunks.
    async fn send(&self, bodies: Vec<String>) -> Result<(), String>;
}

pub struct SqsChunkQueue {
    client: aws_sdk_sqs::Client,
    url: String,
}

impl SqsChunkQueue {
    pub fn new(client: aws_sdk_sqs::Client, url: String) -> Self {
        SqsChunkQueue { client, url }
    }
}

/// SQS takes ten messages a call.
const BATCH: usize = 10;

#[async_trait]
impl ChunkQueue for SqsChunkQueue {
    async fn send(&self, bodies: Vec<String>) -> Result<(), String> {
        for (batch_no, batch) in bodies.chunks(BATCH).enumerate() {
            let mut entries: Vec<SendMessageBatchRequestEntry> = batch
                .iter()
                .enumerate()
                .map(|(i, body)| {
                    SendMessageBatchRequestEntry::builder()
                        .id(format!("m{}", batch_no * BATCH + i))
                        .message_body(body)
                        .build()
                        .expect("id and body are set")
                })
                .collect();
            // Entries SQS could not take this time are sent again (a few times).
            for _ in 0..5 {
                if entries.is_empty() {
                    break;
                }
                let out = self
                    .client
                    .send_message_batch()
                    .queue_url(&self.url)
                    .set_entries(Some(entries.clone()))
                    .send()
                    .await
                    .map_err(|e| {
                        format!(
                            "sending chunk messages: {}",
                            aws_sdk_sqs::error::DisplayErrorContext(e)
                        )
                    })?;
                let failed: Vec<&str> = out.failed().iter().map(|f| f.id()).collect();
                entries.retain(|e| failed.contains(&e.id()));
            }
            if !entries.is_empty() {
                return Err(format!("SQS refused {} chunk messages", entries.len()));
            }
        }
        Ok(())
    }
}
