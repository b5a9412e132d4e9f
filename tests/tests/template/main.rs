//! The SAM template (infra/template.yaml) against the code: every function binary has exactly
//! one function resource, the HTTP API declares exactly the routes the handlers serve (with the
//! JWT authorizer on every admin route and on no student route), every environment variable a
//! function reads is set on it, the link key comes from Secrets Manager, and the table and the
//! administrators group are the ones the code expects.
//!
//! The template model (CloudFormation long form, SAM Globals merged) is the local stack's,
//! so the gateway and these checks read the template the same way.

mod data;
mod edge;
mod functions;
mod helpers;
mod identity;
mod retention;
mod roles;
