//! Integrations (issue 29): Ada adds a webhook endpoint to the voucher, sees its signing secret
//! once, sends it a test event and reads its deliveries; opened again, the secret is gone.

use crate::common::{enrol_link, mail_for};
use crate::helpers::{address, Page};
use local_stack::seed::contracts::DATA_SKILLS;
use local_stack::Stack;

/// The local stack's webhook receiver.
/// The local stack's webhook receiver (it records what it gets; this endpoint's secret is not
/// the one it checks with, so it is not held to verify here: the local stack test does that).
fn receiver(stack: &Stack) -> String {
    format!("{}/hooks", stack.webhook_receiver.url)
}

/// On the voucher's Integrations tab, Ada adds an endpoint hearing every event: its secret is
/// shown with Copy and the warning; Send a test event says it is queued, and the test is in
/// its Deliveries. Left and opened again, the endpoint is listed and its secret is not.
pub async fn add_an_endpoint_and_send_a_test(page: &Page, stack: &Stack) -> String {
    page.click("tab-integrations").await;
    page.id("webhook-url").await;
    assert_eq!(
        page.js("return document.title;").await,
        "Integrations · Data Skills Voucher · Learning Contracts"
    );
    page.text_with("#event-types-hint", "None ticked: every event is sent")
        .await;
    let url = receiver(stack);
    page.type_into("webhook-url", &url).await;
    page.type_into("webhook-description", "The browser test's receiver")
        .await;
    page.click("add-endpoint").await;

    let field = page.css("tr.panel .secret input[readonly]").await;
    let secret = field
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let endpoint_id = field
        .attr("id")
        .await
        .expect("id")
        .unwrap_or_default()
        .trim_start_matches("secret-")
        .to_owned();
    page.text_with(
        &format!("#secret-warning-{endpoint_id}"),
        "Copy this secret now: it is not shown again.",
    )
    .await;
    page.id(&format!("copy-secret-{endpoint_id}")).await;
    let row = page
        .text_with(&format!("#endpoint-{endpoint_id}"), &url)
        .await;
    assert!(
        row.contains("Every event") && row.contains("Enabled") && row.contains("Ada Lovelace"),
        "{row}"
    );

    page.click(&format!("test-{endpoint_id}")).await;
    page.text_with(
        &format!("#endpoint-outcome-{endpoint_id}"),
        "Queued: it arrives within a minute.",
    )
    .await;
    page.click(&format!("deliveries-{endpoint_id}")).await;
    page.text_with(&format!("#messages-{endpoint_id}"), "webhook.test")
        .await;
    page.id(&format!("replay-since-{endpoint_id}")).await;
    page.snapshot("38-integrations.png").await;
    // The local sweep sends the test within seconds, signed with this endpoint's secret.
    let got = page
        .until(
            "the test webhook at the receiver",
            crate::helpers::WAIT,
            async || {
                stack.webhook_receiver.received().into_iter().find(|w| {
                    w.event["type"] == "webhook.test"
                        && w.event["data"]["endpoint_id"] == endpoint_id.as_str()
                })
            },
        )
        .await;
    let hook = standardwebhooks::Webhook::new(&secret).expect("the shown secret");
    let mut headers = lambda_http::http::HeaderMap::new();
    for (name, value) in [
        ("webhook-id", &got.webhook_id),
        ("webhook-timestamp", &got.webhook_timestamp),
        ("webhook-signature", &got.webhook_signature),
    ] {
        headers.insert(name, value.parse().unwrap());
    }
    assert!(
        hook.verify(got.body.as_bytes(), &headers).is_ok(),
        "the test webhook verifies with the secret the page showed"
    );

    // Delivered, it can be sent again alone (a receiver that lost it), with the same id.
    page.click(&format!("deliveries-{endpoint_id}")).await; // closes the panel
    page.click(&format!("deliveries-{endpoint_id}")).await; // opens it on the fresh list
    page.text_with(&format!("#messages-{endpoint_id}"), "Delivered")
        .await;
    page.click(&format!("resend-{endpoint_id}-{}", got.webhook_id))
        .await;
    page.text_with(&format!("#resent-{endpoint_id}"), "is sent again")
        .await;
    page.audit("integrations, a delivery sent again").await;
    page.until(
        "the same event at the receiver a second time",
        crate::helpers::WAIT,
        async || {
            let same = stack
                .webhook_receiver
                .received()
                .into_iter()
                .filter(|w| w.webhook_id == got.webhook_id)
                .count();
            (same >= 2).then_some(())
        },
    )
    .await;

    // The secret was shown once: the tab opened again lists the endpoint, without it.
    page.click("tab-invitations").await;
    page.id("add-invitations").await;
    page.click("tab-integrations").await;
    page.id(&format!("endpoint-{endpoint_id}")).await;
    assert!(!page.present(".secret").await, "the secret is shown again");
    assert!(!page.body_text().await.contains(&secret));
    endpoint_id
}

/// Pia enrols through her last mail (the resend's link); back on the voucher's Integrations
/// tab, the endpoint's Deliveries show her `enrolment.created`, delivered, and the receiver
/// got it.
pub async fn an_enrolment_reaches_the_endpoint(
    page: &Page,
    stack: &Stack,
    tag: &str,
    endpoint_id: &str,
) {
    let pia = address("pia", tag);
    let mails = mail_for(&stack.emulators.ses, &pia, 2).await;
    page.goto(&enrol_link(mails.last().expect("a mail"), &stack.url))
        .await;
    page.text_with("main.student", "Data Skills Voucher").await;
    if page.present("#enrol-name").await {
        page.type_into("enrol-name", "Pia Webhooks").await;
    }
    page.click("enrol").await;
    page.text_with("#enrolled", "is enrolled").await;
    let received = page
        .until(
            "Pia's enrolment at the receiver",
            crate::helpers::WAIT,
            async || {
                stack.webhook_receiver.received().into_iter().find(|w| {
                    w.event["type"] == "enrolment.created"
                        && w.event["data"]["email"] == pia.as_str()
                })
            },
        )
        .await;
    page.goto(&format!("/contracts/{DATA_SKILLS}/integrations"))
        .await;
    // The attempt is recorded just after the receiver answers: open the list until it shows it.
    let toggle = format!("deliveries-{endpoint_id}");
    let rows = format!("#messages-{endpoint_id} tr");
    let row = page
        .until(
            "the enrolment delivered in Deliveries",
            crate::helpers::WAIT,
            async || {
                page.click(&toggle).await; // opens the panel on a fresh list
                page.id(&format!("messages-{endpoint_id}")).await;
                let mut found = None;
                for tr in page
                    .client
                    .find_all(fantoccini::Locator::Css(&rows))
                    .await
                    .ok()?
                {
                    let text = tr.text().await.ok()?;
                    if text.contains(&received.webhook_id) && text.contains("Delivered") {
                        found = Some(text);
                    }
                }
                if found.is_none() {
                    page.click(&toggle).await; // closes it, to open it again
                }
                found
            },
        )
        .await;
    assert!(row.contains("enrolment.created"), "{row}");
    page.audit("integrations, an enrolment delivered").await;
}
