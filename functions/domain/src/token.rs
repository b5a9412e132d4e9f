//! Invitation links.
//!
//! A link carries `invitation id | token version | HMAC-SHA256(key, id | version)` (truncated to
//! 128 bits), base64url-encoded. Nothing secret is stored: the table keeps only the version, and
//! the mailer recomputes the link from it. Every resend bumps the version, so older links stop
//! working. The MAC is checked, in constant time, before the table is ever asked.

use super::ids::{InvitationId, JoinLinkId, JoinProofId};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Domain separation: a MAC made for links can never be mistaken for one made for anything else.
const PURPOSE: &[u8] = b"learning-contract-invitation-link/v1";
/// The join links' codes (issue 30): the same shape, another purpose, so an invitation's token
/// is never a join code nor the other way round.
const JOIN_PURPOSE: &[u8] = b"learning-contract-join-link/v1";
/// The proof mailed to a joiner's address (issue 30).
const JOIN_PROOF_PURPOSE: &[u8] = b"learning-contract-join-proof/v1";
const MAC_LEN: usize = 16;
const TOKEN_LEN: usize = 16 + 4 + MAC_LEN;
/// Keys shorter than this are refused: a guessable key makes every link forgeable.
pub const MIN_KEY_BYTES: usize = 32;

/// The key that signs links, and the key it replaced: links are signed with the current one
/// and verified with either, so links mailed before a rotation keep working until the next.
#[derive(Clone)]
pub struct LinkKey(Vec<u8>, Option<Vec<u8>>);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkKeyError {
    #[error("the link signing key is not valid base64")]
    NotBase64,
    #[error("the link signing key must be at least {MIN_KEY_BYTES} bytes")]
    TooShort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Cut short, padded, or not a token at all: most often a link broken across lines.
    #[error(
        "This link is incomplete or damaged. Open it straight from the email, or copy all of it."
    )]
    Malformed,
    /// Well-formed but not made by us (or made with another key).
    #[error("This invitation link is not one we sent. Please check that you opened the link from your email.")]
    Unknown,
}

/// What a verified join code says: the link, and the generation the code was made for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCode {
    pub link_id: JoinLinkId,
    pub generation: u32,
}

/// What a verified link says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkToken {
    pub invitation_id: InvitationId,
    pub version: u32,
}

impl LinkKey {
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, LinkKeyError> {
        if bytes.len() < MIN_KEY_BYTES {
            return Err(LinkKeyError::TooShort);
        }
        Ok(Self(bytes, None))
    }

    /// This key, still accepting links signed with `previous` (the key a rotation replaced).
    pub fn with_previous(self, previous: LinkKey) -> Self {
        Self(self.0, Some(previous.0))
    }

    pub fn from_base64(text: &str) -> Result<Self, LinkKeyError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| LinkKeyError::NotBase64)?;
        Self::from_bytes(bytes)
    }

    fn mac_with(key: &[u8], purpose: &[u8], id: &[u8; 16], version: u32) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(purpose);
        mac.update(id);
        mac.update(&version.to_be_bytes());
        mac
    }

    /// `id | version | MAC` under `purpose`, base64url.
    fn sign_for(&self, purpose: &[u8], id: [u8; 16], version: u32) -> String {
        let tag = Self::mac_with(&self.0, purpose, &id, version)
            .finalize()
            .into_bytes();
        let mut raw = Vec::with_capacity(TOKEN_LEN);
        raw.extend_from_slice(&id);
        raw.extend_from_slice(&version.to_be_bytes());
        raw.extend_from_slice(&tag[..MAC_LEN]);
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// The id and version a token made under `purpose` carries, its MAC checked (current key,
    /// then the previous one) in constant time.
    fn verify_for(&self, purpose: &[u8], token: &str) -> Result<([u8; 16], u32), TokenError> {
        let raw = decode(token)?;
        let id: [u8; 16] = raw[..16].try_into().expect("length checked");
        let version = u32::from_be_bytes(raw[16..20].try_into().expect("length checked"));
        // verify_truncated_left compares in constant time.
        let verifies = |key: &[u8]| {
            Self::mac_with(key, purpose, &id, version)
                .verify_truncated_left(&raw[20..])
                .is_ok()
        };
        if !verifies(&self.0) && !self.1.as_deref().is_some_and(verifies) {
            return Err(TokenError::Unknown);
        }
        Ok((id, version))
    }

    /// The token for a link to `id` at `version`. Ids this system did not generate have no token.
    pub fn sign(&self, id: &InvitationId, version: u32) -> Option<String> {
        Some(self.sign_for(PURPOSE, id.to_bytes()?, version))
    }

    pub fn verify(&self, token: &str) -> Result<LinkToken, TokenError> {
        let (id, version) = self.verify_for(PURPOSE, token)?;
        Ok(LinkToken {
            invitation_id: InvitationId::from_bytes(id),
            version,
        })
    }

    /// The code of a join link at `generation`: recomputed whenever it is shown, never stored.
    pub fn sign_join(&self, id: &JoinLinkId, generation: u32) -> Option<String> {
        Some(self.sign_for(JOIN_PURPOSE, id.to_bytes()?, generation))
    }

    pub fn verify_join(&self, code: &str) -> Result<JoinCode, TokenError> {
        let (id, generation) = self.verify_for(JOIN_PURPOSE, code)?;
        Ok(JoinCode {
            link_id: JoinLinkId::from_bytes(id),
            generation,
        })
    }
}

impl LinkKey {
    /// The proof mailed for `id`: recomputed by the mailer, never stored.
    pub fn sign_join_proof(&self, id: &JoinProofId) -> Option<String> {
        Some(self.sign_for(JOIN_PROOF_PURPOSE, id.to_bytes()?, 0))
    }

    pub fn verify_join_proof(&self, proof: &str) -> Result<JoinProofId, TokenError> {
        let (id, _) = self.verify_for(JOIN_PROOF_PURPOSE, proof)?;
        Ok(JoinProofId::from_bytes(id))
    }
}

/// Whether `token` has the shape of a link's token, a join code or a proof (all three share
/// it), before any key is asked: `Err(Malformed)` exactly when every key's `verify*` would say
/// so. A function that reads its key on first use (issue 33) answers a damaged link without it.
pub fn well_formed(token: &str) -> Result<(), TokenError> {
    decode(token).map(|_| ())
}

fn decode(token: &str) -> Result<Vec<u8>, TokenError> {
    match URL_SAFE_NO_PAD.decode(token.trim()) {
        Ok(raw) if raw.len() == TOKEN_LEN => Ok(raw),
        _ => Err(TokenError::Malformed),
    }
}

/// The student's link to `token` on the site at `site_url`: the token goes in the fragment,
/// so it never reaches a server log (the enrol page reads it and posts it).
pub fn enrol_link(site_url: &str, token: &str) -> String {
    format!("{}/enrol#token={token}", site_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_link_carries_its_token_in_the_fragment_only() {
        assert_eq!(
            super::enrol_link("https://learn.example/", "abc.def"),
            "https://learn.example/enrol#token=abc.def"
        );
    }

    use super::*;

    #[test]
    fn after_a_rotation_old_links_verify_until_the_next_one() {
        let old = LinkKey::from_bytes(vec![1; 32]).unwrap();
        let new = LinkKey::from_bytes(vec![2; 32]).unwrap();
        let newer = LinkKey::from_bytes(vec![3; 32]).unwrap();
        let id = InvitationId::random();
        let old_link = old.sign(&id, 1).unwrap();
        let rotated = new.clone().with_previous(old.clone());
        assert_eq!(rotated.verify(&old_link).unwrap().version, 1);
        let new_link = rotated.sign(&id, 2).unwrap();
        assert_eq!(
            new.verify(&new_link).unwrap().version,
            2,
            "signed with the current key"
        );
        assert_eq!(old.verify(&new_link), Err(TokenError::Unknown));
        let twice = newer.with_previous(new);
        assert_eq!(twice.verify(&old_link), Err(TokenError::Unknown));
        assert!(twice.verify(&new_link).is_ok());
    }

    fn key(byte: u8) -> LinkKey {
        LinkKey::from_bytes(vec![byte; 32]).unwrap()
    }

    #[test]
    fn a_signed_link_verifies_to_its_id_and_version() {
        let id = InvitationId::random();
        let token = key(7).sign(&id, 3).unwrap();
        assert_eq!(token.len(), 48);
        assert_eq!(
            key(7).verify(&token),
            Ok(LinkToken {
                invitation_id: id,
                version: 3
            })
        );
    }

    #[test]
    fn tampering_or_another_key_is_unknown_and_truncation_is_malformed() {
        let id = InvitationId::random();
        let token = key(7).sign(&id, 1).unwrap();
        assert_eq!(key(8).verify(&token), Err(TokenError::Unknown));

        // Claim a newer version with the old MAC: refused.
        let mut raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        raw[19] = 2;
        assert_eq!(
            key(7).verify(&URL_SAFE_NO_PAD.encode(&raw)),
            Err(TokenError::Unknown)
        );
        assert_eq!(key(7).verify(&token[..40]), Err(TokenError::Malformed));
        assert_eq!(key(7).verify("not a token!"), Err(TokenError::Malformed));
        assert_eq!(key(7).verify(""), Err(TokenError::Malformed));
        // The shape alone says as much, without a key.
        assert_eq!(well_formed(&token), Ok(()));
        for damaged in [&token[..40], "not a token!", ""] {
            assert_eq!(well_formed(damaged), Err(TokenError::Malformed));
        }
    }

    #[test]
    fn short_or_garbled_keys_are_refused() {
        assert_eq!(
            LinkKey::from_bytes(vec![1; 31]).unwrap_err(),
            LinkKeyError::TooShort
        );
        assert_eq!(
            LinkKey::from_base64("%%%").unwrap_err(),
            LinkKeyError::NotBase64
        );
        assert!(
            LinkKey::from_base64(&base64::engine::general_purpose::STANDARD.encode([9u8; 32]))
                .is_ok()
        );
    }

    #[test]
    fn a_join_code_is_no_invitation_token_and_the_other_way_round() {
        let link = JoinLinkId::random();
        let code = key(7).sign_join(&link, 2).unwrap();
        assert_eq!(
            key(7).verify_join(&code),
            Ok(JoinCode {
                link_id: link.clone(),
                generation: 2
            })
        );
        assert_eq!(key(7).verify(&code), Err(TokenError::Unknown));
        let invitation = InvitationId::random();
        let token = key(7).sign(&invitation, 2).unwrap();
        assert_eq!(key(7).verify_join(&token), Err(TokenError::Unknown));
        assert_eq!(key(8).verify_join(&code), Err(TokenError::Unknown));
        // After a key rotation the code made with the previous key still opens the link.
        let rotated = key(8).with_previous(key(7));
        assert!(rotated.verify_join(&code).is_ok());
    }

    #[test]
    fn a_join_proof_is_neither_a_code_nor_a_token() {
        let proof_id = JoinProofId::random();
        let proof = key(7).sign_join_proof(&proof_id).unwrap();
        assert_eq!(key(7).verify_join_proof(&proof), Ok(proof_id.clone()));
        assert_eq!(key(7).verify_join(&proof), Err(TokenError::Unknown));
        assert_eq!(key(7).verify(&proof), Err(TokenError::Unknown));
        let code = key(7).sign_join(&JoinLinkId::random(), 0).unwrap();
        assert_eq!(key(7).verify_join_proof(&code), Err(TokenError::Unknown));
        assert_eq!(key(8).verify_join_proof(&proof), Err(TokenError::Unknown));
        assert_eq!(
            key(7).verify_join_proof(&proof[..proof.len() - 2]),
            Err(TokenError::Malformed)
        );
    }
}
