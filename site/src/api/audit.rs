//! The Audit tab's calls (issue 32): a contract's audit, a page at a time, and its export.

use super::{query_string, Api, ApiError, Download};
use invitations_wire::routes;
use invitations_wire::*;

/// What the Audit tab narrows to: a person (user id), an action, the first and last day (UTC).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<AuditAction>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl AuditFilter {
    /// The query parameters the API and the page's address both use.
    pub fn pairs(&self) -> [(&'static str, Option<&str>); 4] {
        [
            ("actor", self.actor.as_deref()),
            ("action", self.action.map(AuditAction::code)),
            ("from", self.from.as_deref()),
            ("to", self.to.as_deref()),
        ]
    }

    pub fn is_narrowed(&self) -> bool {
        *self != Self::default()
    }
}

/// `GET /contracts/{id}/audit`: a page of the filter's entries, from `cursor`.
pub fn audit_path(contract_id: &str, filter: &AuditFilter, cursor: Option<&str>) -> String {
    let mut pairs = filter.pairs().to_vec();
    pairs.push(("cursor", cursor));
    format!(
        "{}{}",
        routes::CONTRACT_AUDIT.to(&[contract_id]),
        query_string(&pairs)
    )
}

/// `GET /contracts/{id}/audit/export`: every entry the filter keeps, as `format` (csv, json).
pub fn audit_export_path(contract_id: &str, filter: &AuditFilter, format: &str) -> String {
    let mut pairs = filter.pairs().to_vec();
    pairs.push(("format", Some(format)));
    format!(
        "{}{}",
        routes::EXPORT_AUDIT.to(&[contract_id]),
        query_string(&pairs)
    )
}

impl Api {
    /// A page of the contract's audit, newest first.
    pub async fn audit(
        &self,
        contract_id: &str,
        filter: &AuditFilter,
        cursor: Option<&str>,
    ) -> Result<AuditPage, ApiError> {
        self.get(&audit_path(contract_id, filter, cursor)).await
    }

    /// The file of every entry the filter keeps, as `format` ("csv" or "json").
    pub async fn export_audit(
        &self,
        contract_id: &str,
        filter: &AuditFilter,
        format: &str,
    ) -> Result<Download, ApiError> {
        let path = audit_export_path(contract_id, filter, format);
        let (accept, name) = match format {
            "json" => ("application/json", "audit.json"),
            _ => ("text/csv", "audit.csv"),
        };
        self.download(&path, accept, name).await
    }
}
