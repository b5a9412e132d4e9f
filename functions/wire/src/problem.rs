//! Every error answer (`application/problem+json`, RFC 9457).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Problem {
    /// `about:blank#<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's reason phrase.
    pub title: String,
    pub status: u16,
    /// A stable machine code, e.g. `contract_not_found` (see functions/openapi.yaml).
    pub code: String,
    /// A sentence for people.
    pub detail: String,
}

/// What API Gateway's JWT authorizer answers, before any function runs, to a request without a
/// valid token: `401 {"message":"Unauthorized"}`. An HTTP API cannot change that body, so the
/// document names it and the site reads it as "your session has ended" (issue 26).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GatewayMessage {
    pub message: String,
}
