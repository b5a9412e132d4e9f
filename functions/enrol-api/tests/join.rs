//! The joiner's routes in-process (issue 30), with real API Gateway v2 events, against the
//! emulators, with the `join` function's own IAM reach (`store_as("join")`): the page of a
//! link, a proof asked for and counted, the place a proof makes, and each refusal in words.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Duration, TimeZone, Utc};
use enrol_api::join::{handle, App};
use invitations_core::domain::*;
use invitations_core::ports::*;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use testkit::{api_request, assert_sentence, read_response, As, TestEnv};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

struct World {
    env: TestEnv,
    app: App,
    time: Arc<Mutex<DateTime<Utc>>>,
    contract: Contract,
}

impl World {
    async fn new() -> Self {
        Self::with_seats(None).await
    }

    async fn with_seats(seats: Option<u64>) -> Self {
        let env = TestEnv::new().await;
        let time = Arc::new(Mutex::new(t0()));
        let t = time.clone();
        let app = App {
            store: Arc::new(env.store_as("join")),
            link_key: env.link_key.clone().into(),
            clock: Arc::new(move || *t.lock().unwrap()),
        };
        let contract = testkit::contract("V")
            .name("Safety Academy")
            .kind(ContractKind::Voucher)
            .named_activities(&[("a1", "Fire safety"), ("a2", "First aid")])
            .admin("admin-a")
            .seat_limit(seats)
            .around(t0())
            .started_days_ago(1)
            .ends_in_days(90)
            .build();
        env.store.put_contract(&contract).await.unwrap();
        Self {
            env,
            app,
            time,
            contract,
        }
    }

    fn advance(&self, by: Duration) {
        *self.time.lock().unwrap() += by;
    }

    /// A link for the sales team at corp.example, for First aid, made by admin-a.
    async fn link(&self, max_uses: Option<u32>) -> (JoinLink, String) {
        let link = JoinLink {
            audience: "Sales team".into(),
            activities: vec![ActivityId::parse("a2").unwrap()],
            max_uses,
            closes_at: Some(t0() + Duration::days(30)),
            allowed_domains: vec!["corp.example".into()],
            ..testkit::join_link(&self.contract.id, t0())
        };
        self.env.store.create_join_link(&link).await.unwrap();
        let code = self.env.link_key.sign_join(&link.id, 1).unwrap();
        (link, code)
    }

    /// The key held as the function holds it: read from this test's secret on first use.
    fn reading_the_key(mut self) -> Self {
        self.app.link_key = self.env.link_keys();
        self
    }

    async fn change(&self, id: &JoinLinkId, f: impl FnOnce(&mut JoinLink)) {
        let mut link = self.env.store.get_join_link(id).await.unwrap().unwrap();
        f(&mut link);
        assert!(self.env.store.save_join_link(&link).await.unwrap());
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let req = api_request(method, path, body.as_ref(), &As::Anonymous);
        let response = handle(&self.app, req).await.unwrap();
        let (status, body, content_type) = read_response(response).await;
        if status >= 400 {
            assert_eq!(content_type, "application/problem+json", "{body}");
            assert_sentence(body["detail"].as_str().expect("a detail"));
        }
        (status, body)
    }

    async fn page(&self, code: &str) -> (u16, Value) {
        self.call("GET", &format!("/join?code={code}"), None).await
    }

    async fn ask(&self, code: &str, email: &str) -> (u16, Value) {
        self.call("POST", "/join", Some(json!({"code": code, "email": email})))
            .await
    }

    async fn confirm(&self, proof: &str) -> (u16, Value) {
        self.call("POST", "/join/confirm", Some(json!({ "proof": proof })))
            .await
    }

    /// The proofs queued for `email` (as the mailer would sign them), oldest first.
    async fn proofs(&self, email: &str) -> Vec<String> {
        let items = self
            .env
            .dynamodb
            .scan()
            .table_name(&self.env.table)
            .filter_expression("#type = :type AND email = :email")
            .expression_attribute_names("#type", "type")
            .expression_attribute_values(":type", AttributeValue::S("join_proof".into()))
            .expression_attribute_values(":email", AttributeValue::S(email.into()))
            .send()
            .await
            .unwrap()
            .items
            .unwrap_or_default();
        let mut proofs: Vec<(String, JoinProofId)> = items
            .iter()
            .map(|item| {
                let at = item["requested_at"].as_n().unwrap().clone();
                let id = item["pk"].as_s().unwrap().trim_start_matches("JOINPROOF#");
                (at, JoinProofId::parse(id).unwrap())
            })
            .collect();
        proofs.sort();
        proofs
            .iter()
            .map(|(_, id)| self.env.link_key.sign_join_proof(id).unwrap())
            .collect()
    }

    /// Asks for a proof for `email` and confirms it: the confirmation's answer.
    async fn join(&self, code: &str, email: &str) -> (u16, Value) {
        let (status, body) = self.ask(code, email).await;
        assert_eq!(status, 202, "{body}");
        let proof = self.proofs(email).await.pop().expect("a proof was queued");
        self.confirm(&proof).await
    }

    async fn uses(&self, id: &JoinLinkId) -> u32 {
        self.env
            .store
            .get_join_link(id)
            .await
            .unwrap()
            .unwrap()
            .uses
    }

    async fn invitation_of(&self, token: &str) -> Invitation {
        let token = self.env.link_key.verify(token).unwrap();
        let inv = self
            .env
            .store
            .find_invitation(&token.invitation_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(inv.token_version, token.version);
        inv
    }
}

#[tokio::test]
async fn the_page_says_what_the_link_is_for_and_how_many_places_are_left() {
    let w = World::with_seats(Some(10)).await;
    let (_, code) = w.link(Some(4)).await;
    let (status, page) = w.page(&code).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["contract"]["name"], "Safety Academy");
    assert_eq!(page["audience"], "Sales team");
    assert_eq!(page["activities"], json!(["First aid"]));
    assert_eq!(page["places_left"], 4);
    assert_eq!(page["allowed_domains"], json!(["corp.example"]));
    assert_eq!(page["closes_at"], "2026-04-01T09:00:00Z");
    // The contract's seats count too: 2 of its 10 left leaves 2 on a link of 4.
    let mut full = w.contract.clone();
    full.counts.pending = 8;
    w.env.store.put_contract(&full).await.unwrap();
    assert_eq!(w.page(&code).await.1["places_left"], 2);
}

#[tokio::test]
async fn each_closed_door_says_why_in_its_own_words() {
    let w = World::new().await;
    let (link, code) = w.link(Some(1)).await;
    let refusal =
        |(status, body): (u16, Value)| (status, body["code"].as_str().unwrap().to_owned());

    assert_eq!(
        refusal(w.page("not-a-code").await),
        (400, "malformed_join_link".into())
    );
    let forged = w.env.link_key.sign_join(&JoinLinkId::random(), 1).unwrap();
    assert_eq!(
        refusal(w.page(&forged).await),
        (404, "unknown_join_link".into())
    );
    let invitation_token = w.env.link_key.sign(&InvitationId::random(), 1).unwrap();
    assert_eq!(
        refusal(w.page(&invitation_token).await),
        (404, "unknown_join_link".into())
    );

    w.change(&link.id, |l| l.opens_at = Some(t0() + Duration::days(2)))
        .await;
    let (status, body) = w.page(&code).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (410, Some("link_not_yet_open"))
    );
    assert_eq!(
        body["detail"],
        "This join link opens on 4 March 2026 at 09:00 UTC. Come back then."
    );
    w.change(&link.id, |l| l.opens_at = None).await;

    w.change(&link.id, |l| l.enabled = false).await;
    assert_eq!(refusal(w.page(&code).await), (410, "link_disabled".into()));
    assert_eq!(
        refusal(w.ask(&code, "ann@corp.example").await),
        (410, "link_disabled".into())
    );
    w.change(&link.id, |l| l.enabled = true).await;

    let (status, body) = w.ask(&code, "ann@elsewhere.example").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("domain_not_allowed"))
    );
    assert!(
        body["detail"].as_str().unwrap().contains("corp.example"),
        "{body}"
    );
    assert_eq!(
        refusal(w.ask(&code, "not an address").await).1,
        "invalid_email"
    );

    // Used up by one join: the next person is told so, not "expired".
    let (status, _) = w.join(&code, "ann@corp.example").await;
    assert_eq!(status, 200);
    assert_eq!(refusal(w.page(&code).await), (410, "link_used_up".into()));

    w.change(&link.id, |l| l.max_uses = None).await;
    w.change(&link.id, |l| l.generation = 2).await;
    assert_eq!(refusal(w.page(&code).await), (410, "link_replaced".into()));
    let new_code = w.env.link_key.sign_join(&link.id, 2).unwrap();
    assert_eq!(w.page(&new_code).await.0, 200);

    w.advance(Duration::days(31));
    assert_eq!(
        refusal(w.page(&new_code).await),
        (410, "link_closed".into())
    );
    w.advance(Duration::days(60));
    assert_eq!(
        refusal(w.page(&new_code).await),
        (410, "contract_ended".into())
    );
}

#[tokio::test]
async fn a_proved_address_gets_a_place_through_the_link_and_a_token_to_enrol() {
    let w = World::new().await;
    let (link, code) = w.link(Some(5)).await;
    let (status, sent) = w.ask(&code, "Ann.Lee@Corp.example").await;
    assert_eq!(status, 202, "{sent}");
    assert_eq!(
        sent,
        json!({"email": "Ann.Lee@Corp.example", "valid_hours": 24})
    );
    // Asking makes no place: only the proof does.
    assert_eq!(w.uses(&link.id).await, 0);
    assert_eq!(
        w.env
            .store
            .get_contract(&w.contract.id)
            .await
            .unwrap()
            .unwrap()
            .counts
            .pending,
        0
    );

    let proof = w.proofs("Ann.Lee@Corp.example").await.pop().unwrap();
    let (status, joined) = w.confirm(&proof).await;
    assert_eq!(status, 200, "{joined}");
    assert_eq!(joined["outcome"], "invited");
    let inv = w.invitation_of(joined["token"].as_str().unwrap()).await;
    assert_eq!(inv.status, InvitationStatus::Pending);
    assert_eq!(inv.email.as_entered(), "Ann.Lee@Corp.example");
    assert_eq!(inv.activities, vec![ActivityId::parse("a2").unwrap()]);
    assert_eq!(
        inv.source,
        Source::JoinLink {
            link_id: link.id.clone()
        }
    );
    assert_eq!(inv.invited_by.as_str(), "admin-a");
    assert_eq!(w.uses(&link.id).await, 1);

    // The same mail opened again: the same place, counted once.
    let (status, again) = w.confirm(&proof).await;
    assert_eq!(
        (status, again["outcome"].as_str()),
        (200, Some("already_invited"))
    );
    assert_eq!(
        w.invitation_of(again["token"].as_str().unwrap()).await.id,
        inv.id
    );
    assert_eq!(w.uses(&link.id).await, 1);
}

#[tokio::test]
async fn asking_tells_nobody_who_is_in_the_programme() {
    let w = World::new().await;
    let (_, code) = w.link(None).await;
    let (_, joined) = w.join(&code, "bo@corp.example").await;
    assert_eq!(joined["outcome"], "invited");
    // Someone in already and someone new get the same answer to the same question.
    let (s1, in_already) = w.ask(&code, "bo@corp.example").await;
    let (s2, newcomer) = w.ask(&code, "cy@corp.example").await;
    assert_eq!((s1, s2), (202, 202));
    assert_eq!(in_already["valid_hours"], newcomer["valid_hours"]);
    assert_eq!(
        in_already.as_object().unwrap().len(),
        newcomer.as_object().unwrap().len()
    );
}

#[tokio::test]
async fn an_address_gets_three_proof_mails_a_day() {
    let w = World::new().await;
    let (_, code) = w.link(None).await;
    for _ in 0..3 {
        assert_eq!(w.ask(&code, "di@corp.example").await.0, 202);
    }
    let (status, body) = w.ask(&code, "DI@corp.example").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("too_many_proof_mails"))
    );
    assert_eq!(w.proofs("di@corp.example").await.len(), 3);
    w.advance(Duration::days(1));
    assert_eq!(w.ask(&code, "di@corp.example").await.0, 202);
}

#[tokio::test]
async fn a_proof_stops_after_a_day_with_its_links_code_and_for_a_withdrawn_place() {
    let w = World::new().await;
    let (link, code) = w.link(None).await;
    w.ask(&code, "ed@corp.example").await;
    let late = w.proofs("ed@corp.example").await.pop().unwrap();
    w.ask(&code, "fay@corp.example").await;
    let regenerated = w.proofs("fay@corp.example").await.pop().unwrap();
    let refusal =
        |(status, body): (u16, Value)| (status, body["code"].as_str().unwrap().to_owned());

    assert_eq!(
        refusal(w.confirm("garbled").await),
        (400, "malformed_proof".into())
    );
    let stranger = w
        .env
        .link_key
        .sign_join_proof(&JoinProofId::random())
        .unwrap();
    assert_eq!(
        refusal(w.confirm(&stranger).await),
        (404, "unknown_proof".into())
    );
    // A join code is not a proof.
    assert_eq!(
        refusal(w.confirm(&code).await),
        (404, "unknown_proof".into())
    );

    w.change(&link.id, |l| l.generation = 2).await;
    assert_eq!(
        refusal(w.confirm(&regenerated).await),
        (410, "link_replaced".into())
    );
    w.change(&link.id, |l| l.generation = 1).await;
    w.advance(Duration::hours(24));
    assert_eq!(
        refusal(w.confirm(&late).await),
        (410, "proof_expired".into())
    );

    // A place an admin withdrew is not taken back through the link.
    let new_code = code;
    let (_, joined) = w.join(&new_code, "gus@corp.example").await;
    let inv = w.invitation_of(joined["token"].as_str().unwrap()).await;
    w.env
        .store
        .revoke(
            &w.contract.id,
            &inv.id,
            &UserId::parse("admin-a").unwrap(),
            (w.app.clock)(),
        )
        .await
        .unwrap();
    let (status, body) = w.join(&new_code, "gus@corp.example").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("place_withdrawn"))
    );
}

#[tokio::test]
async fn a_burst_of_joiners_never_overfills_and_the_rest_wait_in_line() {
    let w = World::with_seats(Some(3)).await;
    let (link, code) = w.link(None).await;
    // Eight people ask and prove their address; then all confirm at the same moment.
    let emails: Vec<String> = (0..8).map(|i| format!("p{i}@corp.example")).collect();
    let mut proofs = Vec::new();
    for email in &emails {
        assert_eq!(w.ask(&code, email).await.0, 202);
        proofs.push(w.proofs(email).await.pop().unwrap());
    }
    let answers = futures::future::join_all(proofs.iter().map(|p| w.confirm(p))).await;
    let invited = answers
        .iter()
        .filter(|(s, b)| *s == 200 && b["outcome"] == "invited")
        .count();
    let mut positions: Vec<u64> = answers
        .iter()
        .filter(|(s, b)| *s == 200 && b["outcome"] == "waiting")
        .map(|(_, b)| b["waiting_position"].as_u64().unwrap())
        .collect();
    positions.sort();
    assert_eq!(invited, 3, "{answers:?}");
    assert_eq!(positions.len(), 5, "{answers:?}");
    // Each is told a place in a line of at most five (they joined at the same instant).
    assert!(positions.iter().all(|p| (1..=5).contains(p)), "{answers:?}");
    let contract = w
        .env
        .store
        .get_contract(&w.contract.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contract.counts.pending, 3);
    // Every joiner used the link once, the waiting ones too.
    assert_eq!(w.uses(&link.id).await, 8);
    assert_eq!(
        w.env
            .store
            .waiting_list(&w.contract.id)
            .await
            .unwrap()
            .len(),
        5
    );
    // The page says no place is free; asking still works (the asker would wait).
    assert_eq!(w.page(&code).await.1["places_left"], 0);
    assert_eq!(w.ask(&code, "late@corp.example").await.0, 202);
    // Each waiting person's mail opened again: their place in the line as it stands, no
    // later than they were first told (the line is ordered by the instant of joining; one who
    // joined at the same instant but was written a moment later may stand ahead), and no use
    // of the link more.
    let line = w.env.store.waiting_list(&w.contract.id).await.unwrap();
    for (i, (_, first)) in answers.iter().enumerate() {
        if first["outcome"] != "waiting" {
            continue;
        }
        let (status, again) = w.confirm(&proofs[i]).await;
        assert_eq!((status, again["outcome"].as_str()), (200, Some("waiting")));
        let place = again["waiting_position"].as_u64().unwrap();
        let told = first["waiting_position"].as_u64().unwrap();
        assert!(place >= told, "told {told}, now {place}");
        let entry = &line[place as usize - 1];
        assert_eq!(entry.email.identity(), emails[i], "{line:?}");
    }
    assert_eq!(w.uses(&link.id).await, 8);
}

#[tokio::test]
async fn a_link_that_needs_approval_puts_proved_joiners_in_the_requests() {
    let w = World::new().await;
    let (link, code) = w.link(Some(5)).await;
    w.change(&link.id, |l| l.needs_approval = true).await;
    assert_eq!(w.page(&code).await.1["needs_approval"], true);
    let (status, first) = w.join(&code, "ann@corp.example").await;
    assert_eq!(
        (status, first["outcome"].as_str()),
        (200, Some("awaiting_approval")),
        "{first}"
    );
    assert_eq!(first["waiting_position"], 1);
    assert!(first["token"].is_null(), "no place before an admin's yes");
    // Bo asks a minute later: he stands behind Ann.
    w.advance(Duration::minutes(1));
    let (_, second) = w.join(&code, "bo@corp.example").await;
    assert_eq!(second["waiting_position"], 2);
    // The same mail opened again: the same request, the link counted once each.
    let proof = w.proofs("ann@corp.example").await.pop().unwrap();
    let (_, again) = w.confirm(&proof).await;
    assert_eq!(
        (
            again["outcome"].as_str(),
            again["waiting_position"].as_u64()
        ),
        (Some("awaiting_approval"), Some(1))
    );
    assert_eq!(w.uses(&link.id).await, 2);
    assert_eq!(
        w.env
            .store
            .join_requests(&w.contract.id)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(w
        .env
        .store
        .waiting_list(&w.contract.id)
        .await
        .unwrap()
        .is_empty());
    let contract = w
        .env
        .store
        .get_contract(&w.contract.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contract.counts.pending, 0);
    assert!(!contract.waiting.anyone, "requests wake no promotion");
}

/// Issue 32: an address on the do-not-invite list is refused in words that say nothing of
/// whether it is known anywhere else; a proof mailed before it went onto the list makes no
/// place.
#[tokio::test]
async fn an_address_on_the_do_not_invite_list_cannot_join() {
    let w = World::new().await;
    let (link, code) = w.link(None).await;
    let (status, _) = w.ask(&code, "ann@corp.example").await;
    assert_eq!(status, 202);
    let proof = w.proofs("ann@corp.example").await.pop().unwrap();
    let ann = EmailAddress::parse("Ann@corp.example").unwrap();
    w.env.store.add_do_not_invite(&ann, t0()).await.unwrap();

    let (status, refused) = w.ask(&code, "ANN@corp.example").await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("cannot_join"))
    );
    assert_eq!(
        refused["detail"],
        "This address cannot join. Ask the programme's administrators if you think this is a mistake."
    );
    assert_eq!(w.proofs("ann@corp.example").await.len(), 1, "no new proof");
    let (status, refused) = w.confirm(&proof).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (403, Some("cannot_join"))
    );
    assert_eq!(w.uses(&link.id).await, 0);
    let found = w
        .env
        .store
        .find_invitations_by_email(&w.contract.id, &[ann.identity()])
        .await
        .unwrap();
    assert!(found.is_empty());
    // Anyone else still joins.
    let (_, joined) = w.join(&code, "bo@corp.example").await;
    assert_eq!(joined["outcome"], "invited");
}

/// Issue 33: the key is read on first use; a code made before a rotation still opens its
/// link (the previous version, read for it), and a failed read is tried again next time.
#[tokio::test]
async fn codes_made_before_a_rotation_still_open_their_link() {
    let w = World::new().await.reading_the_key();
    let (link, _) = w.link(None).await;
    let old = LinkKey::from_bytes(vec![1; 48]).unwrap();
    let old_code = old.sign_join(&link.id, 1).unwrap();
    let (status, body) = w.page(&old_code).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (500, Some("internal_error")),
        "no secret yet"
    );
    assert_eq!(
        w.page("garbled").await.1["code"],
        "malformed_join_link",
        "a damaged code needs no key"
    );

    w.env.put_link_key(&[1; 48]).await;
    let new = w.env.put_link_key(&[2; 48]).await;
    let (status, page) = w.page(&old_code).await;
    assert_eq!(status, 200, "{page}");
    let (status, _) = w.page(&new.sign_join(&link.id, 1).unwrap()).await;
    assert_eq!(status, 200);
    let forged = LinkKey::from_bytes(vec![3; 48])
        .unwrap()
        .sign_join(&link.id, 1)
        .unwrap();
    let (status, body) = w.page(&forged).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("unknown_join_link"))
    );
}
