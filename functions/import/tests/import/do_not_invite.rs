//! The do-not-invite list (issue 32) in an import: a listed row is a bad row with its line and
//! a reason, its address kept neither in the report (a file in the bucket) nor on the import's
//! record, while the other rows are invited; a check says the same; the mailer sends nothing
//! to a listed address; and an import racing the erasure of a person in its file leaves no
//! invitation of theirs and mails them nothing.

use crate::helpers::*;
use ::import::handle;
use aws_sdk_dynamodb::types::AttributeValue;
use invitations_core::domain::import::WITHHELD;
use invitations_core::domain::privacy::{PrivacyRequest, RequestKind, RequestStatus};
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::sync::Arc;
use std::time::Duration;

const REASON: &str = "Not invited: this person asked not to be invited again.";

async fn list(w: &World, email: &str) {
    let email = EmailAddress::parse(email).unwrap();
    w.env.store.add_do_not_invite(&email, t0()).await.unwrap();
}

/// The import's record as stored, every string of it.
fn record_text(import: &Import) -> String {
    serde_json::to_string(import).unwrap().to_lowercase()
}

#[tokio::test]
async fn a_listed_row_is_reported_by_line_without_its_address_and_the_rest_are_invited() {
    let w = World::new().await;
    let (ann, bo, cy) = (w.env.email("ann"), w.env.email("bo"), w.env.email("cy"));
    list(&w, &ann).await;
    let key = "imports/V1/people.csv";
    let file = format!("{bo}\n{}\n{cy}\n", ann.to_uppercase());
    let import = w
        .drop_file(key, file.into_bytes(), &[("activities", "a1")])
        .await;

    assert_eq!(import.status, ImportStatus::Done);
    assert_eq!(
        (
            import.counts.invited,
            import.counts.do_not_invite,
            import.rows_read
        ),
        (2, 1, 3)
    );
    assert_eq!(
        import.first_bad_rows,
        [BadRow {
            line: 2,
            value: WITHHELD.into(),
            reason: REASON.into(),
        }]
    );
    assert!(!record_text(&import).contains(&ann), "{import:?}");
    let report = w.report(&import).await;
    assert!(
        report.contains(&format!("2,{WITHHELD},do_not_invite,{REASON}")),
        "{report}"
    );
    assert!(!report.to_lowercase().contains(&ann), "{report}");
    let found = w.invitations("V1", &[&ann, &bo, &cy]).await;
    assert_eq!(found.len(), 2);
    assert!(!found.contains_key(&ann));
    // The mailer mails the two invited, nobody else.
    assert_eq!(w.mail_all().await, 2);
}

#[tokio::test]
async fn a_check_says_a_listed_row_would_not_be_invited_without_its_address() {
    let w = World::new().await;
    let (ann, bo) = (w.env.email("ann"), w.env.email("bo"));
    list(&w, &ann).await;
    let key = "imports/V1/check.csv";
    let file = format!("{ann}\n{bo}\n");
    let check = w
        .drop_file(
            key,
            file.into_bytes(),
            &[("activities", "a1"), ("mode", "check")],
        )
        .await;
    assert_eq!((check.counts.invited, check.counts.do_not_invite), (1, 1));
    assert_eq!(check.first_bad_rows[0].value, WITHHELD);
    assert!(!record_text(&check).contains(&ann));
    let report = w.report(&check).await;
    assert!(
        report.contains(&format!("1,{WITHHELD},do_not_invite,")),
        "{report}"
    );
    assert!(!report.to_lowercase().contains(&ann), "{report}");
}

/// An invitation queued before its address went onto the list is not mailed: the mailer reads
/// the list before it sends, and records why nothing went.
#[tokio::test]
async fn the_mailer_sends_nothing_to_a_listed_address() {
    let w = World::new().await;
    let (ann, bo) = (w.env.email("ann"), w.env.email("bo"));
    let key = "imports/V1/before.csv";
    w.drop_file(
        key,
        format!("{ann}\n{bo}\n").into_bytes(),
        &[("activities", "a1")],
    )
    .await;
    list(&w, &ann).await;
    assert_eq!(w.mail_all().await, 1);
    let mailed: Vec<String> = w
        .env
        .sent_mail()
        .into_iter()
        .flat_map(|m| m.destination.to)
        .collect();
    assert_eq!(mailed, [bo]);
    let found = w.invitations("V1", &[&ann]).await;
    assert_eq!(
        found[&ann].delivery,
        Delivery::Failed {
            reason: mailer::DO_NOT_INVITE_NOT_SENT.into(),
        }
    );
}

/// The race of issue 32: a file naming Ann is imported while Ann is forgotten and put on the
/// do-not-invite list, many times with the two started at different moments. Whichever way
/// each round goes (the import refuses her, takes back what it wrote, or the erasure's passes
/// find it), no invitation of hers is left, and the mailer, run over everything the table's
/// stream holds afterwards, mails her nothing.
#[tokio::test]
async fn an_import_racing_the_erasure_of_a_person_in_its_file_leaves_nothing_of_theirs() {
    const ROUNDS: usize = 12;
    let w = World::new().await;
    let forget = Arc::new(::privacy::App {
        store: Arc::new(w.env.store.clone()),
        blobs: w.app.blobs.clone(),
        accounts: Arc::new(w.env.accounts.clone()),
        clock: Arc::new(t0),
    });
    let mut people = Vec::new();
    for round in 0..ROUNDS {
        let contract = format!("R{round}");
        w.env
            .store
            .put_contract(&voucher(&contract, &["a1"], None))
            .await
            .unwrap();
        let person = EmailAddress::parse(&w.env.email(&format!("ann{round}"))).unwrap();
        // Others around her, so the round's writes take a few transactions.
        let mut lines: Vec<String> = (0..100)
            .map(|i| w.env.email(&format!("p{round}x{i}")))
            .collect();
        lines.insert(50, person.as_entered().to_owned());
        let key = format!("imports/{contract}/people.csv");
        w.put(&key, lines.join("\n").into_bytes(), Some("a1")).await;
        let event = w.event(&key, "0001").await;
        let request = PrivacyRequest::new(
            RequestKind::Forget {
                delete_account: false,
                do_not_invite: true,
            },
            UserId::parse("sysadmin-1").unwrap(),
            t0(),
        );
        w.env
            .store
            .add_privacy_request(&request, &person)
            .await
            .unwrap();
        // The erasure starts from before the import to well into its writes.
        let delay = Duration::from_millis(round as u64 * 150);
        let app = w.app.clone();
        let importing = tokio::spawn(async move { handle(&app, event).await });
        let forget = forget.clone();
        let forgetting = tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            ::privacy::run(&forget, &request.id).await
        });
        // The import may fail (the erasure takes her file out of the bucket under it); it
        // must leave nothing of hers either way.
        let _ = importing.await.unwrap();
        let done = forgetting.await.unwrap().unwrap().expect("the run took it");
        assert_eq!(done.status, RequestStatus::Done, "{:?}", done.failure);
        let left = w
            .env
            .store
            .find_invitations_by_email(&ContractId::parse(&contract).unwrap(), &[person.identity()])
            .await
            .unwrap();
        assert_eq!(left, Vec::new(), "round {round}");
        // How the round went, for whoever reads the output: refused before writing, taken
        // back by the import, or erased by the erasure's passes (or the file gone first).
        let import = w.imports(&contract).await.pop();
        let skeletons = w
            .env
            .dynamodb
            .query()
            .table_name(&w.env.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :s)")
            .expression_attribute_values(":pk", AttributeValue::S(format!("CONTRACT#{contract}")))
            .expression_attribute_values(":s", AttributeValue::S("FORGOTTEN#".into()))
            .send()
            .await
            .unwrap()
            .count();
        let way = match import.as_ref().map(|i| (&i.status, i.counts.do_not_invite)) {
            Some((ImportStatus::Done, 1)) if skeletons == 0 => "refused before writing",
            Some((ImportStatus::Done, 1)) => "taken back by the import",
            Some((ImportStatus::Done, _)) => "erased by the erasure",
            _ => "the import stopped (its file went)",
        };
        eprintln!("round {round} (erasure after {delay:?}): {way}");
        people.push(person);
    }
    // Nowhere in the table (a scan of every item's key), and never mailed.
    let mut start = None;
    loop {
        let out = w
            .env
            .dynamodb
            .scan()
            .table_name(&w.env.table)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        for item in out.items() {
            let sk = item
                .get("sk")
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default();
            for person in &people {
                assert_ne!(sk, format!("INVITE#{}", person.identity()), "{item:?}");
            }
        }
        match out.last_evaluated_key() {
            Some(last) => start = Some(last.clone()),
            None => break,
        }
    }
    w.mail_all().await;
    let mailed: Vec<String> = w
        .env
        .sent_mail()
        .into_iter()
        .flat_map(|m| m.destination.to)
        .map(|to| to.to_lowercase())
        .collect();
    for person in &people {
        assert!(
            !mailed.contains(&person.identity().to_owned()),
            "{person:?} was mailed"
        );
    }
}
