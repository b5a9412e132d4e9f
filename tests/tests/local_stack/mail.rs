//! Mail to the SES simulator comes back as delivery reports.

use crate::helpers::*;
use local_stack::seed::contracts::LEADERSHIP;
use serde_json::json;
use std::time::{Duration, Instant};

/// SES's mailbox simulator on the local stack: mail to bounce@ and complaint@ comes back as
/// SES's events, through the delivery-events function, onto the invitations the admin sees.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mail_to_the_ses_simulator_comes_back_as_delivery_reports() {
    let (stack, tag) = stack_with_contracts("reports").await;
    let admin = Client::signed_in(&stack.url, &stack.person("contract-admin", 0).user_id).await;
    let bounce = format!("bounce+{tag}@simulator.amazonses.com");
    let complaint = format!("complaint+{tag}@simulator.amazonses.com");
    let fine = format!("success+{tag}@simulator.amazonses.com");
    let (status, body) = admin
        .call(
            "POST",
            &format!("/api/contracts/{LEADERSHIP}/invitations"),
            Some(json!({"emails": [&bounce, &complaint, &fine], "activities": []})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let wanted = [
        (bounce.as_str(), "bounced_permanent"),
        (complaint.as_str(), "complained"),
        (fine.as_str(), "delivered"),
    ];
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, page) = admin
            .call(
                "GET",
                &format!("/api/contracts/{LEADERSHIP}/invitations?limit=200"),
                None,
            )
            .await;
        let kinds: Vec<(String, String)> = page["invitations"]
            .as_array()
            .expect("invitations")
            .iter()
            .filter(|i| i["email"].as_str().unwrap_or("").contains(&tag))
            .map(|i| {
                (
                    i["email"].as_str().unwrap().to_lowercase(),
                    i["delivery"]["report"]["kind"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned(),
                )
            })
            .collect();
        let all_in = wanted.iter().all(|(address, kind)| {
            kinds
                .iter()
                .any(|(e, k)| e == &address.to_lowercase() && k == kind)
        });
        if all_in {
            break;
        }
        assert!(Instant::now() < deadline, "reports so far: {kinds:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
