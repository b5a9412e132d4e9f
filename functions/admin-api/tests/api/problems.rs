//! Requests that are malformed or cannot be done: a clear status, never a 500, and (issue 26)
//! every problem detail a sentence a person can act on, whatever the route and whatever went
//! wrong. (`World::call` holds every error answer of every test to `assert_sentence`; these
//! are the answers no other test asks for, and the words of some.)

use crate::helpers::*;
use chrono::Duration;
use serde_json::{json, Value};
use testkit::{assert_sentence, As};

#[tokio::test]
async fn malformed_requests_get_clear_errors_never_a_500() {
    let w = World::new().await;
    let bad: Vec<(&str, &str, Option<Value>, u16)> = vec![
        ("GET", "/nowhere", None, 404),
        ("DELETE", "/contracts/A", None, 405),
        ("GET", "/contracts/%ZZ", None, 404),
        ("GET", "/contracts/a%23b/invitations", None, 404),
        ("GET", "/contracts/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", None, 404),
        ("POST", "/contracts/A/invitations", None, 400),
        ("POST", "/contracts/A/invitations", Some(json!("just a string")), 400),
        ("POST", "/contracts/A/invitations", Some(json!({"emails": "a@b.co"})), 400),
        ("POST", "/contracts/A/invitations", Some(json!({"emails": [1, 2]})), 400),
        ("POST", "/contracts/A/invitations", Some(json!({"mails": ["a@b.co"]})), 400),
        ("POST", "/contracts/A/invitations", Some(json!({})), 400),
        ("POST", "/contracts/A/invitations", Some(json!({"emails": ["a@b.co"], "activities": ["bad#id"]})), 400),
        ("POST", "/contracts/A/invitations/not%20an%20id/revoke", None, 404),
        ("POST", "/contracts/A/invitations//revoke", None, 404),
        ("GET", "/users?limit=100000", None, 400),
        ("POST", "/contracts/A/imports", Some(json!({"file_size": -1})), 400),
        ("POST", "/contracts/A/imports", Some(json!({"file_size": "12"})), 400),
        ("POST", "/contracts/A/imports", Some(json!({"activities": ["a1"], "file_size": 0})), 400),
        ("POST", "/contracts/A/imports", Some(json!({"activities": ["a1"], "file_size": 1, "size": 1})), 400),
        ("POST", "/contracts/A/invitations/not%20an%20id/correct-address", Some(json!({"email": "a@b.co"})), 404),
        ("POST", "/contracts/A/invitations/not%20an%20id/clear-block", None, 404),
        ("GET", "/contracts/A/imports/not-an-import", None, 404),
    ];
    for (method, path, body, expected) in bad {
        let (status, problem) = w.call(method, path, body, &ADMIN_A).await;
        assert_eq!(status, expected, "{method} {path}: {problem}");
    }
    // An invitation that exists, with bodies that do not say what to do.
    let inv = w.invite_one("bad.input").await;
    let correct = format!("/contracts/A/invitations/{inv}/correct-address");
    for body in [
        None,
        Some(json!({})),
        Some(json!({"email": "not an address"})),
        Some(json!({"email": ["a@b.co"]})),
        Some(json!({"email": "a@b.co", "name": "x"})),
    ] {
        let (status, problem) = w.call("POST", &correct, body.clone(), &ADMIN_A).await;
        assert_eq!(status, 400, "{body:?}: {problem}");
    }
    // The people routes (system administrators): names and addresses are checked first.
    for body in [
        None,
        Some(json!({"email": "a@b.co"})),
        Some(json!({"email": "not an address", "name": "A B"})),
        Some(json!({"email": "a@b.co", "name": ""})),
        Some(json!({"email": "a@b.co", "name": "Bidi \u{202e}override"})),
    ] {
        let (status, problem) = w.call("POST", "/users", body.clone(), &SYSADMIN).await;
        assert_eq!(status, 400, "{body:?}: {problem}");
    }
}

const ADD: &str = "/contracts/A/invitations";
const IMPORTS: &str = "/contracts/A/imports";
const REVOKE_MANY: &str = "/contracts/A/invitations/revoke";

/// Three pending invitations of contract A (`sen.one`, `sen.two`, `sen.three`), and every
/// refusal seen, as (status, code, detail).
struct Sentences<'w> {
    w: &'w World,
    one: String,
    two: String,
    three: String,
    seen: Vec<(u16, String, String)>,
}

impl<'w> Sentences<'w> {
    async fn new(w: &'w World) -> Self {
        let people = ["sen.one", "sen.two", "sen.three"].map(|p| w.env.email(p));
        let [one, two, three] =
            <[String; 3]>::try_from(ids(&w.invite("A", &people, &["a1"], &ADMIN_A).await)).unwrap();
        Self {
            w,
            one,
            two,
            three,
            seen: Vec::new(),
        }
    }

    fn at(&self, id: &str, action: &str) -> String {
        format!("/contracts/A/invitations/{id}/{action}")
    }

    /// The answer is the refusal `want`, its detail a sentence.
    fn expect(&mut self, what: &str, answer: (u16, Value), want: (u16, &str)) {
        assert_eq!(answer.refusal(), want, "{what}: {}", answer.1);
        assert_sentence(answer.detail());
        let (status, code) = answer.refusal();
        self.seen
            .push((status, code.to_owned(), answer.detail().to_owned()));
    }

    /// The same, and the detail is this sentence.
    fn expect_detail(&mut self, what: &str, answer: (u16, Value), want: (u16, &str), detail: &str) {
        assert_eq!(answer.detail(), detail, "{what}");
        self.expect(what, answer, want);
    }

    async fn post(&self, path: &str, body: Value, who: &As) -> (u16, Value) {
        self.w.call("POST", path, Some(body), who).await
    }

    /// Bodies that are not JSON, or not the JSON a route takes: each says what is wrong.
    async fn bodies(&mut self) {
        for (raw, detail) in [
            ("", "The request needs a JSON body."),
            ("{", "The body is not valid JSON: it ends before it is complete."),
            ("{emails: []}", "The body is not valid JSON: check its quotes, commas and brackets."),
            (r#"{"emails": []} {}"#, "The body is not valid JSON: check its quotes, commas and brackets."),
            ("[1]", "The body must be an object, not a list."),
            (r#""a@b.co""#, "The body must be an object, not text."),
            (r#"{"emails": "a@b.co"}"#, "The field `emails` must be a list, not text."),
            (r#"{"emails": ["a@b.co", 2]}"#, "Item 2 of `emails` must be text, not the number 2."),
            (
                r#"{"mails": ["a@b.co"]}"#,
                "The field `mails` is not one this request takes: use `emails`, `user_ids`, `activities`, `over_limit_wait`, `send_at`, `group` or `language`.",
            ),
        ] {
            let answer = self.w.call_raw("POST", ADD, raw, &ADMIN_A).await;
            self.expect_detail(raw, answer, (400, "invalid_body"), detail);
        }
        for (body, detail) in [
            (
                json!({"activities": ["a1"]}),
                "The field `file_size` is missing.",
            ),
            (
                json!({"activities": ["a1"], "file_size": -1}),
                "The field `file_size` must be a whole number, 0 or more, not the number -1.",
            ),
            (
                json!({"activities": ["a1"], "file_size": "12"}),
                "The field `file_size` must be a whole number, 0 or more, not text.",
            ),
            (
                json!({"activities": ["a1"], "file_size": 1, "mode": "maybe"}),
                "The field `mode` cannot be `maybe`: use `invite` or `check`.",
            ),
        ] {
            let answer = self.post(IMPORTS, body.clone(), &ADMIN_A).await;
            self.expect_detail(&body.to_string(), answer, (400, "invalid_body"), detail);
        }
        for (body, detail) in [
            (
                json!({"filter": {"status": "lost"}}),
                "The field `filter.status` cannot be `lost`: use `pending`, `expired`, `enrolled` or `revoked`.",
            ),
            (
                json!({"filter": {"state": "pending"}}),
                "The field `filter.state` is not one this request takes: use `status`, `q`, `invited_by`, `import`, `invited_from`, `invited_to` or `group`.",
            ),
            (json!({"ids": [1]}), "Item 1 of `ids` must be text, not the number 1."),
        ] {
            let answer = self.post(REVOKE_MANY, body.clone(), &ADMIN_A).await;
            self.expect_detail(&body.to_string(), answer, (400, "invalid_body"), detail);
        }
        let correct = self.at(&self.one, "correct-address");
        let answer = self.post(&correct, json!({}), &ADMIN_A).await;
        let missing = "The field `email` is missing.";
        self.expect_detail("no email", answer, (400, "invalid_body"), missing);
        let answer = self
            .post(&correct, json!({"email": ["a@b.co"]}), &ADMIN_A)
            .await;
        let list = "The field `email` must be text, not a list.";
        self.expect_detail("email list", answer, (400, "invalid_body"), list);
        let admin = json!({"user": "u1"});
        let answer = self.post("/contracts/A/admins", admin, &SYSADMIN).await;
        self.expect("admin body", answer, (400, "invalid_body"));
        let plan = json!({"enabled": "yes"});
        let answer = self.post("/contracts/A/reminders", plan, &ADMIN_A).await;
        let yes = "The field `enabled` must be true or false, not text.";
        self.expect_detail("reminders", answer, (400, "invalid_body"), yes);
    }

    /// Addresses: the mistake as a sentence, never "missing @" or "is empty" (the words the
    /// correct-address route once answered); a name.
    async fn addresses(&mut self) {
        let correct = self.at(&self.one, "correct-address");
        for (email, detail) in [
            (
                "not-an-address",
                "The new address has no @: write it as name@example.org.",
            ),
            (
                "",
                "The new address is empty: write an address such as name@example.org.",
            ),
            (
                "ann@@example.org",
                "The new address has more than one @: an address has exactly one.",
            ),
        ] {
            let answer = self.post(&correct, json!({"email": email}), &ADMIN_A).await;
            self.expect_detail(email, answer, (400, "invalid_email"), detail);
        }
        let person = json!({"email": "nope", "name": "A B"});
        let answer = self.post("/users", person, &SYSADMIN).await;
        let no_at = "The address has no @: write it as name@example.org.";
        self.expect_detail("person", answer, (400, "invalid_email"), no_at);
        let person = json!({"email": "a@b.co", "name": " "});
        let answer = self.post("/users", person, &SYSADMIN).await;
        self.expect("name", answer, (400, "invalid_name"));
    }

    /// Who may: nobody signed in, someone else's contract, system administrators' routes.
    async fn who_may(&mut self) {
        let w = self.w;
        let answer = w.call("GET", "/contracts/A", None, &As::Anonymous).await;
        self.expect("anonymous", answer, (401, "unauthenticated"));
        let answer = w.call("GET", "/contracts/B", None, &ADMIN_A).await;
        self.expect("B", answer, (403, "forbidden"));
        let admin = json!({"user_id": "u1"});
        let answer = self.post("/contracts/A/admins", admin, &ADMIN_A).await;
        self.expect("admins", answer, (403, "forbidden"));
        let person = json!({"email": "a@b.co", "name": "A B"});
        let answer = self.post("/users", person, &ADMIN_A).await;
        self.expect("people", answer, (403, "forbidden"));
        let own = "/users/root/system-admin/remove";
        let answer = w.call("POST", own, None, &SYSADMIN).await;
        self.expect("own", answer, (409, "own_system_admin"));
    }

    /// What is not there: routes, contracts, invitations, imports, people.
    async fn not_there(&mut self) {
        let w = self.w;
        let answer = w.call("GET", "/nowhere", None, &ADMIN_A).await;
        self.expect("nowhere", answer, (404, "not_found"));
        let answer = w.call("DELETE", "/contracts/A", None, &ADMIN_A).await;
        self.expect("method", answer, (405, "method_not_allowed"));
        let answer = w.call("GET", "/contracts/NOPE", None, &ADMIN_A).await;
        self.expect("contract", answer, (404, "contract_not_found"));
        let unknown = self.at("0123456789abcdef0123456789abcdef", "resend");
        let answer = w.call("POST", &unknown, None, &ADMIN_A).await;
        self.expect("invitation", answer, (404, "invitation_not_found"));
        let import = "/contracts/A/imports/not-an-import";
        let answer = w.call("GET", import, None, &ADMIN_A).await;
        self.expect("import", answer, (404, "import_not_found"));
        let admin = json!({"user_id": "bad#id"});
        let answer = self.post("/contracts/A/admins", admin, &SYSADMIN).await;
        let id = "A user id must be 1 to 64 letters, digits, '-' or '_'. Pick the person from the directory.";
        self.expect_detail("user id", answer, (400, "invalid_user_id"), id);
        let admin = json!({"user_id": "nobody"});
        let answer = self.post("/contracts/A/admins", admin, &SYSADMIN).await;
        self.expect("user", answer, (404, "user_not_found"));
    }

    /// Query parameters: bad, repeated, too long, too short, too large a page.
    async fn query_parameters(&mut self) {
        let w = self.w;
        for (path, code) in [
            ("/contracts/A/invitations?status=lost", "invalid_status"),
            (
                "/contracts/A/invitations?status=pending&status=revoked",
                "repeated_parameter",
            ),
            ("/contracts/A/invitations?q=a&q=b", "repeated_parameter"),
            ("/contracts/A/invitations?limit=0", "invalid_limit"),
            ("/contracts/A/invitations?limit=many", "invalid_limit"),
            ("/contracts/A/invitations?limit=100000", "invalid_limit"),
            ("/contracts/A/invitations?cursor=%21%21", "invalid_cursor"),
            ("/users?limit=201", "invalid_limit"),
            ("/users?q=ab", "query_too_short"),
            (
                "/contracts/A/invitations/export?status=lost",
                "invalid_status",
            ),
        ] {
            let answer = w.call("GET", path, None, &ADMIN_A).await;
            self.expect(path, answer, (400, code));
        }
        let long = format!("/contracts/A/invitations?q={}", "x".repeat(300));
        let answer = w.call("GET", &long, None, &ADMIN_A).await;
        let too_long = "The search text is too long: an address has at most 254 characters.";
        self.expect_detail("long q", answer, (400, "invalid_query"), too_long);
        let history = format!("{}?limit=500", self.at(&self.one, "history"));
        let answer = w.call("GET", &history, None, &ADMIN_A).await;
        self.expect("history", answer, (400, "invalid_limit"));
    }

    /// Too much, or too little, at once.
    async fn too_much_or_too_little(&mut self) {
        let one = self.one.clone();
        let many: Vec<String> = (0..1001).map(|i| format!("p{i}@example.org")).collect();
        let body = json!({"emails": many, "activities": ["a1"]});
        let answer = self.post(ADD, body, &ADMIN_A).await;
        self.expect("add many", answer, (400, "too_many_people"));
        let answer = self
            .post(ADD, json!({"activities": ["a1"]}), &ADMIN_A)
            .await;
        self.expect("add none", answer, (400, "no_people"));
        let answer = self
            .post(REVOKE_MANY, json!({"emails": many}), &ADMIN_A)
            .await;
        self.expect("bulk many", answer, (400, "too_many"));
        let answer = self.post(REVOKE_MANY, json!({}), &ADMIN_A).await;
        self.expect("bulk none", answer, (400, "choose_invitations"));
        let two = json!({"ids": [one], "emails": ["a@b.co"]});
        let answer = self.post(REVOKE_MANY, two, &ADMIN_A).await;
        self.expect("bulk two", answer, (400, "choose_invitations"));
        let continued = json!({"ids": [one], "continuation": "x"});
        let answer = self.post(REVOKE_MANY, continued, &ADMIN_A).await;
        self.expect("continuation", answer, (400, "invalid_continuation"));
        let empty = json!({"activities": ["a1"], "file_size": 0});
        let answer = self.post(IMPORTS, empty, &ADMIN_A).await;
        self.expect("empty file", answer, (400, "file_empty"));
        let large = json!({"activities": ["a1"], "file_size": 1u64 << 40});
        let answer = self.post(IMPORTS, large, &ADMIN_A).await;
        self.expect("large file", answer, (413, "file_too_large"));
    }

    /// Activities that do not suit the contract, and a contract that has ended.
    async fn activities_and_ended_contracts(&mut self) {
        for (contract, activities, code, status) in [
            ("A", json!([]), "invalid_activities", 400),
            ("A", json!(["zz"]), "invalid_activities", 400),
            ("A", json!(["bad#id"]), "invalid_activities", 400),
            ("B", json!(["b1"]), "invalid_activities", 400),
            ("OLD", json!([]), "contract_expired", 409),
        ] {
            let who = if contract == "B" { &SYSADMIN } else { &ADMIN_A };
            let body = json!({"emails": ["a@b.co"], "activities": activities});
            let path = format!("/contracts/{contract}/invitations");
            let answer = self.post(&path, body, who).await;
            self.expect(&path, answer, (status, code));
        }
    }

    /// Conflicts: too soon, revoked, enrolled, not failed, not a check.
    async fn conflicts(&mut self) {
        let w = self.w;
        let (one, two, three) = (self.one.clone(), self.two.clone(), self.three.clone());
        let answer = w
            .call("POST", &self.at(&one, "resend"), None, &ADMIN_A)
            .await;
        self.expect("too soon", answer, (429, "resent_too_recently"));
        let email = json!({"email": "a@b.co"});
        let answer = self
            .post(&self.at(&one, "correct-address"), email, &ADMIN_A)
            .await;
        self.expect("not failed", answer, (409, "mail_not_failed"));
        w.revoke("A", &two, &ADMIN_A).await.unwrap();
        w.advance(Duration::minutes(2));
        for action in ["resend", "extend"] {
            let answer = w.call("POST", &self.at(&two, action), None, &ADMIN_A).await;
            self.expect(action, answer, (409, "revoked"));
        }
        w.enrol("A", &three, new_student("Sentence Three"), t0())
            .await;
        let enrolled = format!(
            "The person at {} has already enrolled",
            w.env.email("sen.three")
        );
        for action in ["revoke", "resend", "extend"] {
            let answer = w
                .call("POST", &self.at(&three, action), None, &ADMIN_A)
                .await;
            assert!(
                answer.detail().starts_with(&enrolled),
                "{action}: {}",
                answer.1
            );
            self.expect(action, answer, (409, "already_enrolled"));
        }
        let rows = w.bulk("A", "revoke", json!({"ids": [three, "nope"]}), &ADMIN_A);
        let rows = rows.await.unwrap();
        let codes: Vec<Option<&str>> = rows.results.iter().map(|r| r.code.as_deref()).collect();
        assert_eq!(
            codes,
            [Some("already_enrolled"), Some("invitation_not_found")]
        );
        let check = w.announce_check().await;
        let invite = format!("/contracts/A/imports/{check}/invite");
        let answer = w.call("POST", &invite, None, &ADMIN_A).await;
        self.expect("unfinished check", answer, (409, "not_a_finished_check"));
    }

    /// The contract's mail and reminder plan.
    async fn mail_and_reminders(&mut self) {
        let mail = json!({"language": "en", "subject": "Hello {first_name}", "message": "Join {contract}: {link}"});
        let answer = self.post("/contracts/A/mail", mail, &ADMIN_A).await;
        self.expect("mail", answer, (422, "invalid_mail_template"));
        let plan = json!({"enabled": true, "days_after_send": 0, "days_before_expiry": null, "at_most": 1});
        let answer = self.post("/contracts/A/reminders", plan, &ADMIN_A).await;
        self.expect("plan", answer, (422, "invalid_reminder_plan"));
    }
}

/// A test of each group of refusals, on a contract of its own.
macro_rules! a_test_a_group {
    ($($test:ident: $group:ident,)*) => {$(
        #[tokio::test]
        async fn $test() {
            let w = World::new().await;
            Sentences::new(&w).await.$group().await;
        }
    )*};
}

a_test_a_group! {
    a_body_a_route_does_not_take_is_refused_in_a_sentence_saying_what_is_wrong: bodies,
    a_wrong_address_or_name_is_refused_in_a_sentence: addresses,
    who_may_not_is_told_so_in_a_sentence: who_may,
    what_is_not_there_is_told_in_a_sentence: not_there,
    bad_query_parameters_are_refused_in_a_sentence: query_parameters,
    too_much_or_too_little_at_once_is_refused_in_a_sentence: too_much_or_too_little,
    unsuitable_activities_and_an_ended_contract_are_told_in_a_sentence: activities_and_ended_contracts,
    conflicts_are_told_in_a_sentence: conflicts,
    a_bad_mail_or_reminder_plan_is_refused_in_a_sentence: mail_and_reminders,
}

/// All of the above on one contract, in order: no detail was said twice for two different
/// mistakes of one kind by accident: each names what it is about (a sample of distinct texts,
/// not one catch-all).
#[tokio::test]
async fn every_problem_detail_is_a_sentence_naming_its_own_mistake() {
    let w = World::new().await;
    let mut s = Sentences::new(&w).await;
    s.bodies().await;
    s.addresses().await;
    s.who_may().await;
    s.not_there().await;
    s.query_parameters().await;
    s.too_much_or_too_little().await;
    s.activities_and_ended_contracts().await;
    s.conflicts().await;
    s.mail_and_reminders().await;
    let distinct: std::collections::BTreeSet<&str> =
        s.seen.iter().map(|(_, _, d)| d.as_str()).collect();
    assert!(distinct.len() > 40, "{} distinct details", distinct.len());
}
