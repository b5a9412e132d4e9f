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
