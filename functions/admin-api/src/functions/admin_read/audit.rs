//! A contract's audit (issue 32): `GET /contracts/{id}/audit?actor=&action=&from=&to=&cursor=
//! &limit=`, newest first, and `GET .../audit/export?format=csv|json` with the same filter, the
//! whole of it as one file (formula cells made plain in the CSV).

use crate::shared::day;
use crate::{App, Call};
use chrono::NaiveTime;
use invitations_core::domain::import::neutralise;
use invitations_core::domain::*;
use invitations_core::http::{self, Problem};
use invitations_core::ports::*;
use invitations_core::to_wire::timestamp;
use invitations_wire as wire;
use lambda_http::http::{header, StatusCode};
use lambda_http::{Body, Response};
use std::collections::HashMap;

/// The largest file one answer carries (as the invitations' export).
const MAX_EXPORT_BYTES: usize = 5_000_000;
/// Records read per page while writing a file.
const EXPORT_PAGE: usize = 500;

/// The filter from the query: who, what, and the days (`YYYY-MM-DD`, UTC, both included).
fn audit_query(call: &Call<'_>) -> Result<AuditQuery, Problem> {
    for name in ["actor", "action", "from", "to", "format"] {
        http::once(call.req, name)?;
    }
    let given = |name: &str| http::query(call.req, name).filter(|v| !v.trim().is_empty());
    let actor = given("actor")
        .map(|v| {
            UserId::parse(v.trim()).map_err(|_| {
                Problem::bad_request(
                    "invalid_actor",
                    "The person (actor) must be a user id, as an audit entry's actor gives it.",
                )
            })
        })
        .transpose()?;
    let action = given("action")
        .map(|v| {
            wire::AuditAction::parse(v.trim())
                .map(domain_action)
                .ok_or_else(|| {
                    Problem::bad_request(
                        "invalid_action",
                        format!(
                            "The action must be one of {}.",
                            wire::AuditAction::ALL.map(|a| a.code()).join(", ")
                        ),
                    )
                })
        })
        .transpose()?;
    let from = given("from")
        .map(|v| day("The first day (from)", &v))
        .transpose()?;
    let to = given("to")
        .map(|v| day("The last day (to)", &v))
        .transpose()?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err(Problem::bad_request(
                "invalid_date_range",
                format!("The first day ({from}) is after the last ({to}): give them the other way round."),
            ));
        }
    }
    let midnight = |d: chrono::NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    Ok(AuditQuery {
        actor,
        action,
        from: from.map(midnight),
        before: to.and_then(|d| d.succ_opt()).map(midnight),
    })
}

pub async fn list(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let query = audit_query(call)?;
    let limit = http::page_limit(call.req)?;
    let cursor = http::query(call.req, "cursor").filter(|c| !c.is_empty());
    let page = app
        .invitations
        .audit_page(&contract.id, &query, cursor.as_deref(), limit)
        .await?;
    let names = actor_names(app, &page.records, &mut HashMap::new()).await?;
    Ok(http::json(
        StatusCode::OK,
        &wire::AuditPage {
            entries: page.records.iter().map(|r| entry(r, &names)).collect(),
            next_cursor: page.next_cursor,
        },
    ))
}

pub async fn export(app: &App, call: &Call<'_>) -> Result<Response<Body>, Problem> {
    let contract = call.contract()?;
    let query = audit_query(call)?;
    let json = match http::query(call.req, "format").as_deref() {
        None | Some("csv") => false,
        Some("json") => true,
        Some(_) => {
            return Err(Problem::bad_request(
                "invalid_format",
                "The format must be csv or json.",
            ))
        }
    };
    let mut entries = Vec::new();
    let mut names = HashMap::new();
    let mut cursor: Option<String> = None;
    let mut bytes = 0;
    loop {
        let page = app
            .invitations
            .audit_page(&contract.id, &query, cursor.as_deref(), EXPORT_PAGE)
            .await?;
        let known = actor_names(app, &page.records, &mut names).await?;
        for record in &page.records {
            let e = entry(record, &known);
            bytes += 120 + e.detail.as_deref().map_or(0, str::len) + e.subjects.join(";").len();
            entries.push(e);
        }
        if bytes > MAX_EXPORT_BYTES {
            return Err(Problem::bad_request(
                "export_too_large",
                "The audit is too large for one file: narrow it by days, person or action.",
            ));
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let now = (app.clock)();
    let (body, kind, extension) = if json {
        let text = serde_json::to_string_pretty(&entries).expect("entries serialise");
        (text, "application/json", "json")
    } else {
        (csv_file(&entries), "text/csv; charset=utf-8", "csv")
    };
    let name = format!(
        "audit-{}-{}.{extension}",
        contract
            .id
            .as_str()
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
        now.format("%Y-%m-%d")
    );
    Ok(Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, kind)
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::Text(body))
        .expect("static response parts are valid"))
}

/// The file's columns, in order.
pub const HEADER: [&str; 7] = [
    "at",
    "action",
    "by",
    "by id",
    "subjects",
    "invitation",
    "detail",
];

fn csv_file(entries: &[wire::AuditEntry]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(HEADER).expect("writing to memory");
    for e in entries {
        writer
            .write_record([
                e.at.clone(),
                e.action.label().to_owned(),
                neutralise(e.actor_name.as_deref().unwrap_or_default()),
                e.actor.clone().unwrap_or_default(),
                neutralise(&e.subjects.join("; ")),
                e.invitation_id.clone().unwrap_or_default(),
                neutralise(e.detail.as_deref().unwrap_or_default()),
            ])
            .expect("writing to memory");
    }
    String::from_utf8(writer.into_inner().expect("flushing to memory")).expect("UTF-8")
}

/// Each actor of `records` named once ("Ada Admin <ada@...>"), added to `known`.
async fn actor_names(
    app: &App,
    records: &[AuditRecord],
    known: &mut HashMap<UserId, Option<String>>,
) -> Result<HashMap<UserId, Option<String>>, Problem> {
    for actor in records.iter().filter_map(|r| r.actor.as_ref()) {
        if !known.contains_key(actor) {
            let shown = app
                .people
                .get_user(actor)
                .await?
                .map(|u| format!("{} <{}>", u.name, u.email));
            known.insert(actor.clone(), shown);
        }
    }
    Ok(known.clone())
}

fn entry(r: &AuditRecord, names: &HashMap<UserId, Option<String>>) -> wire::AuditEntry {
    wire::AuditEntry {
        at: timestamp(r.at),
        action: wire_action(r.action),
        actor: r.actor.as_ref().map(ToString::to_string),
        actor_name: r
            .actor
            .as_ref()
            .and_then(|a| names.get(a).cloned().flatten()),
        subjects: r.subjects.clone(),
        invitation_id: r.invitation_id.as_ref().map(ToString::to_string),
        detail: r.detail.clone(),
    }
}

/// The same name on both sides: the wire's code is the domain's serde name.
fn wire_action(a: AuditAction) -> wire::AuditAction {
    let code = serde_json::to_value(a).expect("an action serialises");
    serde_json::from_value(code).expect("the wire has every action")
}

fn domain_action(a: wire::AuditAction) -> AuditAction {
    serde_json::from_value(serde_json::Value::String(a.code().to_owned()))
        .expect("the domain has every action")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_the_same_on_both_sides() {
        for a in wire::AuditAction::ALL {
            assert_eq!(wire_action(domain_action(a)), a);
        }
    }

    #[test]
    fn the_csv_makes_formula_cells_plain() {
        let at: chrono::DateTime<chrono::Utc> = "2026-03-02T09:00:00Z".parse().unwrap();
        let file = csv_file(&[wire::AuditEntry {
            at: timestamp(at),
            action: wire::AuditAction::Invite,
            actor: Some("u1".into()),
            actor_name: Some("=HYPERLINK(\"x\")".into()),
            subjects: vec!["ann@example.com".into()],
            invitation_id: None,
            detail: Some("+1".into()),
        }]);
        assert!(file.contains("'=HYPERLINK"), "{file}");
        assert!(file.contains("'+1"), "{file}");
    }
}
