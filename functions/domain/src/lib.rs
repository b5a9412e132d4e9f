//! The product's rules, in plain Rust: no AWS types here.

pub mod audit;
pub mod caller;
pub mod contract;
pub mod email;
pub mod funnel;
pub mod ids;
pub mod import;
pub mod invitation;
pub mod join;
pub mod join_proof;
pub mod mail;
pub mod notice;
pub mod privacy;
pub mod reminder;
pub mod schedule;
pub mod token;
pub mod user;
pub mod waiting;
pub mod webhook;

pub use audit::{AuditAction, AuditRecord};
pub use caller::{Caller, SYSTEM_ADMIN_GROUP};
pub use contract::{
    Activity, ActivityChoiceError, Contract, ContractKind, InvitationsRefused, Phase, StatusCounts,
    WaitingMark,
};
pub use email::{EmailAddress, EmailError};
pub use funnel::{EnrolAfter, Funnel, SeatsOnDay};
pub use ids::{
    ActivityId, ContractId, EndpointId, ImportId, InvalidId, InvitationId, JoinLinkId, JoinProofId,
    UserId, WaitingId,
};
pub use import::{
    BadRow, CheckOutcome, Import, ImportChunk, ImportCounts, ImportMode, ImportStatus, Stall,
};
pub use invitation::{
    decide_invite, import_replay, AddressBlock, ClearBlockRefused, CorrectRefused, Delivery,
    DeliveryReport, EnrolDecision, EnrolRefused, ExtendDecision, ExtendRefused, Invitation,
    InvitationStatus, InviteDecision, InviteOutcome, ReportKind, ResendRefused, RevokeDecision,
    RevokeRefused, ShownStatus, Source,
};
pub use join::{DomainsError, JoinLink, JoinRefused};
pub use join_proof::{JoinProof, ProofRefused};
pub use mail::{
    ContractMail, Language, MailKind, MailTemplate, MailValues, RenderedMail, TemplateError,
};
pub use reminder::{PlanError, ReminderPlan, Wake};
pub use schedule::{Group, GroupError, InviteOptions, Release, Schedule, ScheduleRefused, SendAt};
pub use token::{JoinCode, LinkKey, LinkToken, TokenError};
pub use user::{Standing, User};
pub use waiting::WaitingEntry;
pub use webhook::{DeliveryAttempt, Endpoint, EndpointScope, Message, MessageState, SealedSecret};
