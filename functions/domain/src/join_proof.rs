//! The proof that a joiner holds the address they gave (issue 30). Someone who opens a join
//! link gives an address; the product mails that address a link with a proof, and only the
//! proof makes a place. So a seat goes only to an address that answered, and nobody can fill a
//! programme with addresses they made up.
//!
//! The proof in the mail is `proof id | 0 | HMAC` under a purpose of its own
//! ([`crate::token::LinkKey::sign_join_proof`]); the table keeps the proof's id, address, link
//! and expiry, never the proof. It works for [`PROOF_LIFETIME_HOURS`]; used twice it finds the
//! same place (the join is idempotent per address), so a mail opened twice does no harm.

use crate::{ContractId, EmailAddress, JoinLinkId, JoinProofId};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// How long the link in a proof mail works.
pub const PROOF_LIFETIME_HOURS: u32 = 24;
/// Proof mails one address gets in a day (UTC), whatever the links: enough for a lost mail or
/// two, too few to turn the product into a way of mailing someone against their will.
pub const PROOF_MAILS_PER_DAY: u32 = 3;

/// A joiner's address waiting to be proved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinProof {
    pub id: JoinProofId,
    pub link_id: JoinLinkId,
    /// The link's generation when asked: a regenerated link's proofs stop with it.
    pub generation: u32,
    pub contract_id: ContractId,
    pub email: EmailAddress,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl JoinProof {
    pub fn new(link: &crate::JoinLink, email: EmailAddress, now: DateTime<Utc>) -> Self {
        Self {
            id: JoinProofId::random(),
            link_id: link.id.clone(),
            generation: link.generation,
            contract_id: link.contract_id.clone(),
            email,
            requested_at: now,
            expires_at: now + Duration::hours(i64::from(PROOF_LIFETIME_HOURS)),
        }
    }

    /// The UTC day whose count of proof mails this one is in.
    pub fn day(&self) -> NaiveDate {
        self.requested_at.date_naive()
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at
    }
}

/// Why a proof does not work, in the joiner's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofRefused {
    #[error("This confirmation link is more than {PROOF_LIFETIME_HOURS} hours old. Open the join link again and ask for a new one.")]
    Expired,
    #[error("The join link this confirmation was for has been replaced by a new one. Ask the programme's administrators for the new link.")]
    LinkRegenerated,
}

/// The link in a proof mail: the proof rides in the fragment, which no server log sees.
pub fn proof_link(site_url: &str, proof: &str) -> String {
    format!("{}/join#proof={proof}", site_url.trim_end_matches('/'))
}

impl JoinProof {
    /// Whether this proof still makes a place through `link` at `now`.
    pub fn check(&self, link: &crate::JoinLink, now: DateTime<Utc>) -> Result<(), ProofRefused> {
        if self.is_expired(now) {
            return Err(ProofRefused::Expired);
        }
        if link.generation != self.generation {
            return Err(ProofRefused::LinkRegenerated);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ActivityId, JoinLink, UserId};
    use chrono::TimeZone;

    fn link() -> JoinLink {
        let at = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
        JoinLink {
            id: JoinLinkId::random(),
            contract_id: ContractId::parse("c1").unwrap(),
            audience: "Sales".into(),
            generation: 2,
            activities: vec![ActivityId::parse("a1").unwrap()],
            max_uses: None,
            uses: 0,
            opens_at: None,
            closes_at: None,
            allowed_domains: vec![],
            needs_approval: false,
            enabled: true,
            created_by: UserId::parse("admin").unwrap(),
            created_at: at,
            version: 1,
        }
    }

    #[test]
    fn a_proof_works_for_a_day_and_only_for_its_generation() {
        let now = Utc.with_ymd_and_hms(2027, 3, 2, 23, 30, 0).unwrap();
        let mut link = link();
        let proof = JoinProof::new(&link, EmailAddress::parse("ann@corp.example").unwrap(), now);
        assert_eq!(proof.generation, 2);
        assert_eq!(proof.day(), NaiveDate::from_ymd_opt(2027, 3, 2).unwrap());
        assert_eq!(proof.check(&link, now + Duration::hours(23)), Ok(()));
        assert_eq!(
            proof.check(&link, now + Duration::hours(24)),
            Err(ProofRefused::Expired)
        );
        link.generation = 3;
        assert_eq!(proof.check(&link, now), Err(ProofRefused::LinkRegenerated));
    }

    #[test]
    fn the_proof_rides_in_the_fragment() {
        assert_eq!(
            proof_link("https://learn.example/", "abc"),
            "https://learn.example/join#proof=abc"
        );
    }
}
