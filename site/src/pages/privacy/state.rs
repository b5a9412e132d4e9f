//! The Privacy page's state: the form (address, what to do, the forget's two wishes, its
//! question), the request sent from this page as last read, and the latest requests.

use crate::api::{
    ApiError, NewPrivacyRequest, PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus,
};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub struct PrivacyState {
    pub email: String,
    pub kind: PrivacyRequestKind,
    /// Forget only: they asked for their sign-in account to be deleted.
    pub delete_account: bool,
    /// Forget only: they asked not to be invited again.
    pub do_not_invite: bool,
    /// A forget's question is open.
    pub asking: bool,
    pub sending: bool,
    /// Why the last request was refused.
    pub error: Option<ApiError>,
    /// The request sent from this page, with the address it is about (kept only here: no
    /// answer names it), as last read.
    pub sent: Option<(String, PrivacyRequest)>,
    /// Following the request sent failed (it goes on; the list shows it).
    pub follow_error: Option<ApiError>,
    /// The latest requests; `None` while they load.
    pub list: Option<Result<Vec<PrivacyRequest>, ApiError>>,
}

impl Default for PrivacyState {
    fn default() -> Self {
        Self {
            email: String::new(),
            kind: PrivacyRequestKind::Forget,
            delete_account: false,
            do_not_invite: false,
            asking: false,
            sending: false,
            error: None,
            sent: None,
            follow_error: None,
            list: None,
        }
    }
}

pub enum PrivacyMsg {
    Email(String),
    Kind(PrivacyRequestKind),
    DeleteAccount(bool),
    DoNotInvite(bool),
    /// A forget asks first.
    Ask,
    Cancel,
    /// Refused before sending (no address).
    Refused(ApiError),
    Sending,
    Sent(Result<PrivacyRequest, ApiError>),
    /// The request sent, read again.
    Read(PrivacyRequest),
    FollowFailed(ApiError),
    Listed(Result<Vec<PrivacyRequest>, ApiError>),
}

/// Whether a request has nothing more to do.
pub fn finished(request: &PrivacyRequest) -> bool {
    matches!(
        request.status,
        PrivacyRequestStatus::Done | PrivacyRequestStatus::Failed
    )
}

impl PrivacyState {
    /// What the form asks for (the wishes only for a forget).
    pub fn request(&self) -> NewPrivacyRequest {
        let forget = self.kind == PrivacyRequestKind::Forget;
        NewPrivacyRequest {
            email: self.email.trim().to_owned(),
            kind: self.kind,
            delete_account: forget && self.delete_account,
            do_not_invite: forget && self.do_not_invite,
        }
    }
}

impl Reducible for PrivacyState {
    type Action = PrivacyMsg;

    fn reduce(self: Rc<Self>, action: PrivacyMsg) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            PrivacyMsg::Email(email) => {
                s.email = email;
                s.error = None;
            }
            PrivacyMsg::Kind(kind) => {
                s.kind = kind;
                s.asking = false;
            }
            PrivacyMsg::DeleteAccount(on) => s.delete_account = on,
            PrivacyMsg::DoNotInvite(on) => s.do_not_invite = on,
            PrivacyMsg::Ask => {
                s.asking = true;
                s.error = None;
            }
            PrivacyMsg::Cancel => s.asking = false,
            PrivacyMsg::Refused(e) => s.error = Some(e),
            PrivacyMsg::Sending => {
                s.sending = true;
                s.error = None;
            }
            PrivacyMsg::Sent(result) => {
                s.sending = false;
                s.asking = false;
                match result {
                    // The form is emptied: the page keeps the address no longer than needed.
                    Ok(request) => {
                        let email = std::mem::take(&mut s.email).trim().to_owned();
                        s.sent = Some((email, request));
                        s.follow_error = None;
                        s.delete_account = false;
                        s.do_not_invite = false;
                    }
                    Err(e) => s.error = Some(e),
                }
            }
            PrivacyMsg::Read(request) => match &mut s.sent {
                Some((_, sent)) if sent.id == request.id => *sent = request,
                _ => return self,
            },
            PrivacyMsg::FollowFailed(e) => s.follow_error = Some(e),
            PrivacyMsg::Listed(list) => s.list = Some(list),
        }
        Rc::new(s)
    }
}
