//! Join links (issue 30): a contract's links, for its admins, and the joiner's public calls
//! (no Authorization: the link's code, then the mail's proof, is the credential).

use super::{query_string, Api, ApiError};
use invitations_wire::routes::{self, Route};
use invitations_wire::*;

impl Api {
    /// The contract's join links, newest first.
    pub async fn join_links(&self, contract_id: &str) -> Result<Vec<JoinLink>, ApiError> {
        let list: JoinLinkList = self
            .call(&routes::LIST_JOIN_LINKS, &[contract_id], "", None)
            .await?;
        Ok(list.links)
    }

    /// A new link; refused with a sentence naming what is wrong (`invalid_audience`,
    /// `invalid_activities`, `invalid_max_uses`, `invalid_window`, `invalid_time`,
    /// `invalid_domain`, `too_many_join_links`).
    pub async fn add_join_link(
        &self,
        contract_id: &str,
        link: &NewJoinLink,
    ) -> Result<JoinLink, ApiError> {
        self.call(&routes::ADD_JOIN_LINK, &[contract_id], "", Some(link))
            .await
    }

    /// Regenerate, disable or enable (`route`: `REGENERATE_JOIN_LINK`, `DISABLE_JOIN_LINK`,
    /// `ENABLE_JOIN_LINK`); answers the link as it now is.
    pub async fn change_join_link(
        &self,
        contract_id: &str,
        link_id: &str,
        route: &Route,
    ) -> Result<JoinLink, ApiError> {
        self.call(route, &[contract_id, link_id], "", None).await
    }

    /// The contract's join requests or its waiting list, first first (`route`:
    /// `LIST_JOIN_REQUESTS`, `LIST_WAITING`; `ids`: the contract's); or a change of one person
    /// in it, answering the line as it now is (`APPROVE_JOIN_REQUEST`, `REFUSE_JOIN_REQUEST`,
    /// `MOVE_WAITING` with `to`, `REMOVE_WAITING`; `ids`: the contract's and the entry's). A
    /// line changed meanwhile is refused (`waiting_list_changed`, `waiting_entry_not_found`).
    /// One function for both: each is more code in the wasm.
    pub async fn join_queue(
        &self,
        route: &Route,
        ids: &[&str],
        to: Option<WaitingMoveTo>,
    ) -> Result<Vec<WaitingEntry>, ApiError> {
        let body = to.map(|to| WaitingMove { to });
        let body = body.as_ref().map(|b| b as &dyn super::erased::Body);
        let list: WaitingList = self.call(route, ids, "", body).await?;
        Ok(list.entries)
    }

    /// What the link with this code is for, or why it admits nobody now.
    pub async fn join_page(&self, code: &str) -> Result<JoinPage, ApiError> {
        let query = query_string(&[("code", Some(code))]);
        self.call(&routes::JOIN_PAGE, &[], &query, None).await
    }

    /// Mails the joiner a link that proves the address is theirs.
    pub async fn request_join(&self, code: &str, email: &str) -> Result<JoinProofSent, ApiError> {
        let body = JoinRequest {
            code: code.to_owned(),
            email: email.trim().to_owned(),
        };
        self.call(&routes::REQUEST_JOIN, &[], "", Some(&body)).await
    }

    /// The mail's proof: a place in the contract, and the invitation's token to enrol with.
    pub async fn confirm_join(&self, proof: &str) -> Result<JoinConfirmed, ApiError> {
        let body = JoinConfirm {
            proof: proof.to_owned(),
        };
        self.call(&routes::CONFIRM_JOIN, &[], "", Some(&body)).await
    }
}

/// The link to share: `<origin>/join#code=<code>`, the code in the fragment so that no server
/// or log sees it.
pub fn join_url(origin: &str, code: &str) -> String {
    format!(
        "{}/join#code={}",
        origin.trim_end_matches('/'),
        urlencoding::encode(code)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_to_share_carries_the_code_in_its_fragment() {
        assert_eq!(
            join_url("https://site.example/", "a.b_c-1"),
            "https://site.example/join#code=a.b_c-1"
        );
        assert_eq!(
            routes::JOIN_PAGE.to(&[]) + &query_string(&[("code", Some("a+b"))]),
            "/join?code=a%2Bb"
        );
    }
}
