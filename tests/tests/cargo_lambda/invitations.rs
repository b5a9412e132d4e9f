//! The invitations' functions: add-invitations and the mailer, an import from the bucket,
//! resend, revoke and extend (one and many), delivery-events and correct-address, enrol.

use crate::helpers::*;
use invitations_core::domain::{ContractId, Delivery, ImportId, InvitationStatus, ReportKind};
use invitations_core::ports::{BlockStore, ImportStore, InvitationStore};
use invitations_wire as wire;
use local_stack::seed::contracts::{DATA_SKILLS, LEADERSHIP};
use local_stack::Stack;
use serde_json::Value;
use testkit::Emulators;

/// add-invitations: an address and a directory user, then the mailer mails the new one.
pub async fn add_then_mail(lambda: &Lambda<'_>, stack: &Stack) {
    let added: wire::AddResult = lambda.call(
        "add-invitations",
        "admin-api/events/add-invitations/invite.json",
        200,
    );
    assert!(
        added
            .results
            .iter()
            .all(|r| r.outcome == wire::InviteOutcome::Invited),
        "{:?}",
        added.results
    );
    assert_eq!(added.results.len(), 2);
    let new_person = invitation(stack, DATA_SKILLS, "new.person@partner.example").await;
    assert!(matches!(new_person.delivery, Delivery::Queued));
    let mailed = lambda.run("mailer", "mailer/events/stream.json");
    assert_eq!(mailed, serde_json::json!({"batchItemFailures": []}));
    let new_person = invitation(stack, DATA_SKILLS, "new.person@partner.example").await;
    assert!(
        matches!(new_person.delivery, Delivery::Sent { .. }),
        "{:?}",
        new_person.delivery
    );
}

/// add-invitations announces an upload; admin-read lists it and reads it. The announced import.
pub fn announce_an_upload(lambda: &Lambda<'_>) -> wire::AnnouncedImport {
    let announced: wire::AnnouncedImport = lambda.call(
        "add-invitations",
        "admin-api/events/add-invitations/announce-import.json",
        201,
    );
    assert_eq!(announced.upload.method, "PUT");
    let imports: wire::ImportList = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/list-imports.json",
        200,
    );
    assert_eq!(imports.imports.len(), 1);
    let one: wire::Import = lambda.call(
        "admin-read",
        "admin-api/events/admin-read/get-import.json",
        200,
    );
    assert_eq!(one.id, announced.import.id);
    announced
}

/// import: the README's file dropped into the bucket, then its S3 event.
pub async fn import_a_dropped_file(
    lambda: &Lambda<'_>,
    stack: &Stack,
    emulators: &Emulators,
    announced: &wire::AnnouncedImport,
) {
    let data_skills = ContractId::parse(DATA_SKILLS).unwrap();
    let csv = std::fs::read(
        lambda
            .bench
            .root
            .join("functions/import/events/new-starters.csv"),
    )
    .unwrap();
    let put = reqwest::Client::new()
        .put(format!(
            "{}/{}/imports/{DATA_SKILLS}/new-starters.csv",
            emulators.aws, stack.resources.names.bucket
        ))
        .header("content-type", "text/csv")
        .header("x-amz-meta-activities", "sql-basics")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{put:?}");
    assert_eq!(
        lambda.run("import", "import/events/s3-put.json"),
        Value::Null
    );
    // "Invite these" is only for a finished check; the newest import is the dropped file's.
    let answer = lambda.run(
        "add-invitations",
        "admin-api/events/add-invitations/invite-checked.json",
    );
    assert_eq!(answer["statusCode"], 409, "{answer}");
    assert!(answer["body"]
        .as_str()
        .unwrap()
        .contains("not_a_finished_check"));
    let dropped = stack
        .store
        .list_imports(&data_skills)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.id != ImportId::parse(&announced.import.id).unwrap())
        .expect("the dropped file's import");
    assert_eq!(
        (dropped.counts.invited, dropped.counts.invalid_email),
        (2, 1)
    );
    invitation(stack, DATA_SKILLS, "ruth.new@partner.example").await;
}

/// resend: a seeded invitation whose link expired gets a new one; revoke, correct-address:
/// seeded pending invitations.
pub async fn resend_then_revoke(lambda: &Lambda<'_>, stack: &Stack) {
    let kofi = invitation(stack, LEADERSHIP, &learner("kofi.berg.030")).await;
    assert!(kofi.expires_at < chrono::Utc::now());
    let resent: wire::InvitationChange =
        lambda.call("resend", "admin-api/events/resend/resend.json", 200);
    assert!(resent.changed);
    let after = invitation(stack, LEADERSHIP, &learner("kofi.berg.030")).await;
    assert_eq!(after.token_version, kofi.token_version + 1);
    assert!(after.expires_at > chrono::Utc::now());
    assert!(matches!(after.delivery, Delivery::Queued));
    let revoked: wire::InvitationChange =
        lambda.call("revoke", "admin-api/events/revoke/revoke.json", 200);
    assert_eq!(revoked.invitation.status, wire::InvitationStatus::Revoked);
    let lena = invitation(stack, DATA_SKILLS, &learner("lena.costa.051")).await;
    assert_eq!(lena.status, InvitationStatus::Revoked);
}

/// extend (one, then the expired of a contract), resend and revoke many (revoke by address).
pub async fn extend_then_many(lambda: &Lambda<'_>, stack: &Stack) {
    let amara = invitation(stack, DATA_SKILLS, &learner("amara.dubois.060")).await;
    let extended: wire::InvitationChange =
        lambda.call("extend", "admin-api/events/extend/extend.json", 200);
    assert!(extended.changed);
    let after = invitation(stack, DATA_SKILLS, &learner("amara.dubois.060")).await;
    assert!(after.expires_at > amara.expires_at);
    assert_eq!(after.token_version, amara.token_version, "the same link");
    // Lena's seeded invitation expired long ago: resent by id (a new link); then the other
    // expired ones of the contract extended (the same links).
    let lena = invitation(stack, LEADERSHIP, &learner("lena.berg.031")).await;
    let resent: wire::BulkResult =
        lambda.call("resend", "admin-api/events/resend/resend-many.json", 200);
    assert_eq!(resent.done, 1, "{resent:?}");
    let after = invitation(stack, LEADERSHIP, &learner("lena.berg.031")).await;
    assert_eq!(after.token_version, lena.token_version + 1);
    let mateo = invitation(stack, LEADERSHIP, &learner("mateo.berg.032")).await;
    assert!(mateo.expires_at < chrono::Utc::now());
    let many: wire::BulkResult =
        lambda.call("extend", "admin-api/events/extend/extend-many.json", 200);
    assert_eq!(
        (many.refused, many.not_found, &many.continuation),
        (0, 0, &None),
        "{many:?}"
    );
    assert!(many.done >= 1, "{many:?}");
    let after = invitation(stack, LEADERSHIP, &learner("mateo.berg.032")).await;
    assert!(after.expires_at > chrono::Utc::now());
    assert_eq!(after.token_version, mateo.token_version, "the same link");
    let revoked: wire::BulkResult =
        lambda.call("revoke", "admin-api/events/revoke/revoke-many.json", 200);
    assert_eq!((revoked.done, revoked.not_found), (1, 1), "{revoked:?}");
    let after = invitation(stack, DATA_SKILLS, &learner("bruno.dubois.061")).await;
    assert_eq!(after.status, InvitationStatus::Revoked);
}

/// delivery-events: SES's bounce of a seeded mail blocks the address; clear-block lifts it,
/// and correct-address (allowed only after a failed mail, issue 26) moves the invitation.
pub async fn bounce_then_correct(lambda: &Lambda<'_>, stack: &Stack) {
    let nia = learner("nia.costa.053");
    assert_eq!(
        lambda.run("delivery-events", "delivery-events/events/bounce.json"),
        Value::Null
    );
    let bounced = invitation(stack, DATA_SKILLS, &nia).await;
    assert_eq!(
        bounced.delivery_report.map(|r| r.kind),
        Some(ReportKind::BouncedPermanent)
    );
    assert!(stack.store.address_block(&nia).await.unwrap().is_some());
    let cleared: wire::InvitationChange = lambda.call(
        "correct-address",
        "admin-api/events/correct-address/clear-block.json",
        200,
    );
    assert!(cleared.changed);
    assert!(cleared.invitation.can_resend, "{cleared:?}");
    assert!(stack.store.address_block(&nia).await.unwrap().is_none());
    let corrected: wire::InvitationChange = lambda.call(
        "correct-address",
        "admin-api/events/correct-address/correct-address.json",
        200,
    );
    assert_eq!(corrected.invitation.email, "nia.costa@partner.example");
    let moved = stack
        .store
        .find_invitation(&bounced.id)
        .await
        .unwrap()
        .expect("the corrected invitation");
    assert_eq!(moved.email.identity(), "nia.costa@partner.example");
    assert_eq!(
        moved.user_id, None,
        "no longer the directory person at the old address"
    );
}

/// enrol: the link verifies with the stack's key (from its Secrets Manager).
pub async fn enrol(lambda: &Lambda<'_>, stack: &Stack) {
    let shown: wire::InvitationPage =
        lambda.call("enrol", "enrol-api/events/show-invitation.json", 200);
    assert_eq!(shown.email, learner("omar.costa.054"));
    assert_eq!(shown.contract.name, "Data Skills Voucher");
    let enrolled: wire::InvitationPage = lambda.call("enrol", "enrol-api/events/enrol.json", 200);
    assert_eq!(enrolled.status, wire::EnrolmentStatus::Enrolled);
    let priya = invitation(stack, DATA_SKILLS, &learner("priya.costa.055")).await;
    assert_eq!(priya.status, InvitationStatus::Enrolled);
}
