//! Join links (issue 30): a code an admin shares so people join a contract themselves.
//!
//! A link belongs to one contract and one audience: its own activities (chosen when it is made:
//! the joiner does not decide what the contract pays for, and an admin who wants another set
//! makes another link), at most so many uses, a window, and the email domains it admits. The
//! code in its URL is never stored: it is `link id | generation | HMAC` made with the link
//! signing key under a purpose of its own ([`crate::token::LinkKey::sign_join`]), so the admin
//! sees it again whenever they need it, and Regenerate bumps the generation: the old code stops
//! at once.
//!
//! [`JoinLink::admits`] is the one rule for whether an address may join now; each refusal says
//! what is wrong in its own words, never "expired" for a link that is not open yet, used up,
//! closed or for another domain.

use crate::{ActivityId, ContractId, EmailAddress, JoinLinkId, UserId};
use chrono::{DateTime, Utc};

/// Domains of free mail services: a link that names allowed domains names an organisation's,
/// so these are refused in its list (anybody can get an address there).
pub const FREE_MAIL_DOMAINS: &[&str] = &[
    "aol.com",
    "fastmail.com",
    "free.fr",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hotmail.co.uk",
    "hotmail.com",
    "hotmail.fr",
    "icloud.com",
    "laposte.net",
    "live.com",
    "live.fr",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "orange.fr",
    "outlook.com",
    "outlook.fr",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "sfr.fr",
    "wanadoo.fr",
    "web.de",
    "yahoo.co.uk",
    "yahoo.com",
    "yahoo.fr",
    "yandex.com",
    "yandex.ru",
    "zoho.com",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinLink {
    pub id: JoinLinkId,
    pub contract_id: ContractId,
    /// Who it is for, in the admin's words ("Sales team, spring intake").
    pub audience: String,
    /// Bumped by Regenerate: only the code of the current generation opens the link.
    pub generation: u32,
    /// The activities a joiner gets (for a Voucher with several, chosen when the link is made).
    pub activities: Vec<ActivityId>,
    pub max_uses: Option<u32>,
    /// Joins so far, counted in the same write as each join.
    pub uses: u32,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    /// Lower-case domains a joiner's address must be at; empty: any address.
    pub allowed_domains: Vec<String>,
    /// Joiners wait for an admin's yes.
    pub needs_approval: bool,
    pub enabled: bool,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    /// Bumped by every change: each write is conditional on the version it read.
    pub version: u64,
}

/// Why a link does not admit someone now, in the joiner's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinRefused {
    #[error("This join link has been turned off by the programme's administrators. Ask them for a new one.")]
    Disabled,
    #[error("This join link opens on {}. Come back then.", .0.format("%-d %B %Y at %H:%M UTC"))]
    NotYetOpen(DateTime<Utc>),
    #[error("This join link closed on {}. Ask the programme's administrators whether there is another way in.", .0.format("%-d %B %Y at %H:%M UTC"))]
    Closed(DateTime<Utc>),
    #[error("All {0} places of this join link have been taken.")]
    UsedUp(u32),
    #[error("This join link is for addresses at {allowed}; {domain} is not one of them. Use your address at work, or ask the programme's administrators.", allowed = list(.0), domain = .1)]
    DomainNotAllowed(Vec<String>, String),
}

fn list(domains: &[String]) -> String {
    match domains {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl JoinLink {
    /// Whether `email` may join through this link at `now` (the contract's own rules, seats
    /// among them, are checked with the join itself).
    pub fn admits(&self, email: &EmailAddress, now: DateTime<Utc>) -> Result<(), JoinRefused> {
        self.open_now(now)?;
        let domain = domain_of(email);
        if !self.allowed_domains.is_empty() && !self.allowed_domains.contains(&domain) {
            return Err(JoinRefused::DomainNotAllowed(
                self.allowed_domains.clone(),
                domain,
            ));
        }
        Ok(())
    }

    /// Whether the link admits anyone at `now` (on, in its window, places left on it).
    pub fn open_now(&self, now: DateTime<Utc>) -> Result<(), JoinRefused> {
        if !self.enabled {
            return Err(JoinRefused::Disabled);
        }
        if let Some(opens) = self.opens_at.filter(|&t| now < t) {
            return Err(JoinRefused::NotYetOpen(opens));
        }
        if let Some(closed) = self.closes_at.filter(|&t| now >= t) {
            return Err(JoinRefused::Closed(closed));
        }
        if let Some(max) = self.max_uses.filter(|&m| self.uses >= m) {
            return Err(JoinRefused::UsedUp(max));
        }
        Ok(())
    }

    /// Places left on the link itself (`None`: no limit of its own).
    pub fn places_left(&self) -> Option<u32> {
        self.max_uses.map(|m| m.saturating_sub(self.uses))
    }
}

/// The lower-case domain of an address.
pub fn domain_of(email: &EmailAddress) -> String {
    email
        .identity()
        .rsplit_once('@')
        .map_or_else(String::new, |(_, d)| d.to_ascii_lowercase())
}

/// Why a list of allowed domains was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainsError {
    #[error("This is not an email domain: {0:?}. Write domains like example.com, one per line.")]
    NotADomain(String),
    #[error("The domain {0} is a free mail service: anybody can have an address there, so it cannot limit who joins. Leave the list empty to admit every address.")]
    FreeMail(String),
}

/// The allowed domains as an admin typed them: trimmed, a leading `@` dropped, lower case,
/// duplicates once, in the order given.
pub fn parse_domains(typed: &[String]) -> Result<Vec<String>, DomainsError> {
    let mut domains: Vec<String> = Vec::new();
    for raw in typed {
        let domain = raw.trim().trim_start_matches('@').to_ascii_lowercase();
        if domain.is_empty() {
            continue;
        }
        let labels_ok = domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        if !domain.contains('.') || !labels_ok || domain.len() > 253 {
            return Err(DomainsError::NotADomain(raw.trim().to_owned()));
        }
        if FREE_MAIL_DOMAINS.contains(&domain.as_str()) {
            return Err(DomainsError::FreeMail(domain));
        }
        if !domains.contains(&domain) {
            domains.push(domain);
        }
    }
    Ok(domains)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, day, 9, 0, 0).unwrap()
    }

    fn link() -> JoinLink {
        JoinLink {
            id: JoinLinkId::random(),
            contract_id: ContractId::parse("c1").unwrap(),
            audience: "Sales".into(),
            generation: 1,
            activities: vec![ActivityId::parse("a1").unwrap()],
            max_uses: Some(2),
            uses: 0,
            opens_at: Some(at(10)),
            closes_at: Some(at(20)),
            allowed_domains: vec!["corp.example".into(), "sales.corp.example".into()],
            needs_approval: false,
            enabled: true,
            created_by: UserId::parse("admin-a").unwrap(),
            created_at: at(1),
            version: 1,
        }
    }

    fn email(s: &str) -> EmailAddress {
        EmailAddress::parse(s).unwrap()
    }

    #[test]
    fn each_refusal_says_what_is_wrong_in_its_own_words() {
        let l = link();
        let ann = email("Ann@Corp.Example");
        assert_eq!(l.admits(&ann, at(12)), Ok(()), "any case of the domain");
        let early = l.admits(&ann, at(9)).unwrap_err();
        assert_eq!(early, JoinRefused::NotYetOpen(at(10)));
        assert_eq!(
            early.to_string(),
            "This join link opens on 10 March 2027 at 09:00 UTC. Come back then."
        );
        let late = l.admits(&ann, at(20)).unwrap_err();
        assert!(late
            .to_string()
            .starts_with("This join link closed on 20 March 2027"));
        let full = JoinLink { uses: 2, ..link() }
            .admits(&ann, at(12))
            .unwrap_err();
        assert_eq!(
            full.to_string(),
            "All 2 places of this join link have been taken."
        );
        let off = JoinLink {
            enabled: false,
            ..link()
        };
        assert_eq!(off.admits(&ann, at(12)), Err(JoinRefused::Disabled));
        let other = l.admits(&email("bob@gmail.com"), at(12)).unwrap_err();
        assert_eq!(
            other.to_string(),
            "This join link is for addresses at corp.example or sales.corp.example; gmail.com \
             is not one of them. Use your address at work, or ask the programme's administrators."
        );
        // None of them says "expired".
        for refusal in [early, late, full, other] {
            assert!(!refusal.to_string().contains("expired"), "{refusal}");
        }
    }

    #[test]
    fn a_link_without_limits_admits_any_address_any_time() {
        let open = JoinLink {
            max_uses: None,
            opens_at: None,
            closes_at: None,
            allowed_domains: Vec::new(),
            uses: 10_000,
            ..link()
        };
        assert_eq!(open.admits(&email("x@anything.org"), at(1)), Ok(()));
        assert_eq!(open.places_left(), None);
        assert_eq!(JoinLink { uses: 1, ..link() }.places_left(), Some(1));
    }

    #[test]
    fn domains_are_cleaned_and_free_mail_is_refused() {
        let typed = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_domains(&typed(&[
                " @Corp.Example ",
                "corp.example",
                "",
                "eu.corp.example"
            ])),
            Ok(vec![
                "corp.example".to_owned(),
                "eu.corp.example".to_owned()
            ])
        );
        assert_eq!(
            parse_domains(&typed(&["corp.example", "Gmail.com"])),
            Err(DomainsError::FreeMail("gmail.com".into()))
        );
        for bad in [
            "localhost",
            "corp..example",
            "-corp.example",
            "corp example.com",
            "a@b.com",
        ] {
            assert!(
                matches!(
                    parse_domains(&typed(&[bad])),
                    Err(DomainsError::NotADomain(_))
                ),
                "{bad}"
            );
        }
    }
}
