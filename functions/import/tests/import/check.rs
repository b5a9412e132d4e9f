//! A check: every row classified, nothing written.

use crate::helpers::*;
use ::import::handle;
use invitations_core::domain::*;
use invitations_core::ports::*;

/// A check (a dropped file with `mode=check`): every row classified against the table as it
/// is now, across rounds, with the seats left counted down, and nothing written but the
/// import's own record and report.
#[tokio::test]
async fn a_check_classifies_every_row_and_writes_no_invitation() {
    let w = World::new().await;
    let contract = ContractId::parse("S2").unwrap();
    let people = a_contract_with_three_seats_left(&w, &contract).await;
    let pending_before = w.pending("S2").await;
    let check_key = drop_a_check_file(&w, &people).await;
    let check = the_checks_import(&w, check_key).await;
    the_counts_classify_every_row(&check);
    the_report_names_the_rows(&w, &check, &people).await;
    nothing_was_written(&w, &contract, &people, pending_before).await;
}

/// The addresses the table knows before the check.
struct People {
    already: String,
    enrolled: String,
    revoked: String,
    blocked: String,
}

/// The check's `i`th new address.
fn new_address(w: &World, i: u32) -> String {
    w.env.email(&format!("new{i}"))
}

/// A contract with two seats taken and three left after this setup: one address pending, one
/// enrolled, one revoked, and one blocked.
async fn a_contract_with_three_seats_left(w: &World, contract: &ContractId) -> People {
    w.env
        .store
        .put_contract(&voucher("S2", &["a1"], Some(5)))
        .await
        .unwrap();
    let (already, enrolled, revoked) = (
        w.env.email("already"),
        w.env.email("enrolled"),
        w.env.email("revoked"),
    );
    let key = "imports/S2/first.csv";
    w.put(
        key,
        format!("{already}\n{enrolled}\n{revoked}\n").into_bytes(),
        Some("a1"),
    )
    .await;
    handle(&w.app, w.event(key, "0001").await).await.unwrap();
    let found = w
        .env
        .store
        .find_invitations_by_email(
            contract,
            &[
                EmailAddress::parse(&enrolled).unwrap().identity(),
                EmailAddress::parse(&revoked).unwrap().identity(),
            ],
        )
        .await
        .unwrap();
    let by = UserId::parse("admin-1").unwrap();
    for inv in &found {
        if inv.email.identity() == EmailAddress::parse(&enrolled).unwrap().identity() {
            let token = LinkToken {
                invitation_id: inv.id.clone(),
                version: inv.token_version,
            };
            let who = Enrolee::New {
                subject: UserId::random(),
                name: "E".into(),
            };
            w.env.store.enrol(&token, who, t0()).await.unwrap();
        } else {
            w.env
                .store
                .revoke(contract, &inv.id, &by, t0())
                .await
                .unwrap();
        }
    }
    let blocked = w.env.email("blocked");
    w.env
        .store
        .block_address(&AddressBlock {
            identity: EmailAddress::parse(&blocked).unwrap().identity().to_owned(),
            kind: ReportKind::BouncedPermanent,
            detail: "smtp; 550 no such user".into(),
            at: t0(),
        })
        .await
        .unwrap();
    People {
        already,
        enrolled,
        revoked,
        blocked,
    }
}

/// Drops the check file and handles its event; answers its key. Lines 2-10 as below, fillers
/// to the end of the first round (980 rows), then line 2's address again in the second round.
async fn drop_a_check_file(w: &World, people: &People) -> &'static str {
    let People {
        already,
        enrolled,
        revoked,
        blocked,
    } = people;
    let new = |i: u32| new_address(w, i);
    let mut file = format!(
        "Email\n{}\n{revoked}\n{already}\n{enrolled}\nnot an address\n{}\n{blocked}\n{}\n{}\n",
        new(1),
        new(1).to_uppercase(),
        new(2),
        new(3)
    );
    for i in 0..971 {
        file.push_str(&format!("{}\n", w.env.email(&format!("filler{i}"))));
    }
    file.push_str(&format!("{}\n", new(1)));
    let check_key = "imports/S2/check.csv";
    w.env
        .s3
        .put_object()
        .bucket(&w.env.bucket)
        .key(check_key)
        .metadata("mode", "check")
        .metadata("activities", "a1")
        .body(file.into_bytes().into())
        .send()
        .await
        .unwrap();
    handle(&w.app, w.event(check_key, "0002").await)
        .await
        .unwrap();
    check_key
}

/// The import the check file made.
async fn the_checks_import(w: &World, check_key: &str) -> Import {
    w.imports("S2")
        .await
        .into_iter()
        .find(|i| i.file_key.as_deref() == Some(check_key))
        .expect("the check's import")
}

/// The check is done, with every row counted in its class.
fn the_counts_classify_every_row(check: &Import) {
    assert_eq!(
        (check.mode, &check.status),
        (ImportMode::Check, &ImportStatus::Done)
    );
    let c = &check.counts;
    assert_eq!(
        (
            c.invited,
            c.reinvited,
            c.already_invited,
            c.already_enrolled
        ),
        (2, 1, 1, 1),
        "{c:?}"
    );
    assert_eq!(
        (
            c.invalid_email,
            c.duplicate,
            c.address_blocked,
            c.over_seat_limit
        ),
        (1, 2, 1, 972),
        "{c:?}"
    );
}

/// The report names each row with what the check would do with it.
async fn the_report_names_the_rows(w: &World, check: &Import, people: &People) {
    let new = |i: u32| new_address(w, i);
    let People {
        revoked, blocked, ..
    } = people;
    let report = w.report(check).await;
    for expected in [
        format!("2,{},would_invite", new(1)),
        format!("3,{revoked},would_reinvite"),
        format!(
            "7,{},duplicate,\"The same address is on line 2, so it would be invited once.\"",
            new(1).to_uppercase()
        ),
        format!("8,{blocked},address_blocked"),
        format!("10,{},over_seat_limit", new(3)),
        format!(
            "982,{},duplicate,\"The same address is on line 2, so it would be invited once.\"",
            new(1)
        ),
    ] {
        assert!(report.contains(&expected), "{expected} in the report");
    }
}

/// Nothing was written: no invitation for the new addresses, the revoked one still revoked.
async fn nothing_was_written(
    w: &World,
    contract: &ContractId,
    people: &People,
    pending_before: u64,
) {
    assert_eq!(w.pending("S2").await, pending_before);
    let new_one = EmailAddress::parse(&new_address(w, 1)).unwrap();
    assert!(w
        .env
        .store
        .find_invitations_by_email(contract, &[new_one.identity()])
        .await
        .unwrap()
        .is_empty());
    let still = w
        .env
        .store
        .find_invitations_by_email(
            contract,
            &[EmailAddress::parse(&people.revoked).unwrap().identity()],
        )
        .await
        .unwrap();
    assert_eq!(still[0].status, InvitationStatus::Revoked);
}
