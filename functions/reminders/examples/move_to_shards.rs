//! Upgrading a table written before the shards (issue 33), at once: moves every contract's
//! invitations and history items to their shards, as the reminder run does 1,000 a run, to
//! the end. An operator runs it once after deploying, with credentials that may write the
//! table (README, "Deploy to AWS"):
//!
//!     TABLE_NAME=<the stack's table> cargo run --release -p reminders --example move_to_shards
//!
//! Safe to run while the stack serves and to run again: each move is one conditional
//! transaction, so runs that repeat or overlap (the reminder run's own) move each item once.

use chrono::Utc;
use invitations_core::adapters::DynamoStore;
use invitations_core::config;
use reminders::move_to_shards;

type Error = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let sdk = config::aws().await;
    let store = DynamoStore::new(config::dynamodb(&sdk), config::required("TABLE_NAME")?);
    let (mut moved, mut left) = (0, 0);
    loop {
        let counts = move_to_shards(&store, Utc::now(), 100, 10_000).await?;
        moved += counts.moved;
        left += counts.left;
        println!(
            "moved {} ({} in all), {} contracts done this pass",
            counts.moved, moved, counts.contracts
        );
        if !counts.more {
            break;
        }
    }
    println!(
        "done: {moved} items moved; {left} invitations left under their old key (see the log)"
    );
    Ok(())
}
