//! Email addresses, parsed once.
//!
//! The identity of an address is its trimmed, lower-cased form: `Ann@Example.COM` and
//! `ann@example.com` are one person. The form as entered is kept for display.

use std::fmt;

/// The longest address SMTP can carry (RFC 5321: 254 octets in a path).
pub const MAX_LENGTH: usize = 254;
const MAX_LOCAL_LENGTH: usize = 64;
const MAX_LABEL_LENGTH: usize = 63;

#[derive(Clone)]
pub struct EmailAddress {
    /// The address as entered, then (unless it is already lower-case) its identity: one
    /// allocation for both, as an import parses one address per row.
    text: String,
    /// Where the identity starts in `text`: 0 when the entered form is its own identity.
    identity_at: usize,
}

/// Why a piece of text is not an email address, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {MAX_LENGTH} characters")]
    TooLong,
    #[error("holds several addresses separated by '{0}'")]
    SeveralAddresses(char),
    #[error("contains a space")]
    ContainsSpace,
    #[error("missing @")]
    MissingAt,
    #[error("has more than one @")]
    MoreThanOneAt,
    #[error("nothing before the @")]
    EmptyLocalPart,
    #[error("the part before the @ is longer than {MAX_LOCAL_LENGTH} characters")]
    LocalPartTooLong,
    #[error("nothing after the @")]
    EmptyDomain,
    #[error("domain has no dot")]
    DomainHasNoDot,
    #[error("has two dots in a row, or a dot at the start or end of a part")]
    MisplacedDot,
    #[error("domain part \"{0}\" is not valid")]
    InvalidDomainLabel(String),
    #[error("contains the character '{0}', which is not allowed")]
    InvalidCharacter(char),
}

impl EmailError {
    /// The mistake as a sentence a person can act on, about `what` ("the new address"): the
    /// detail of an API refusal, and the reason of a refused row of an add request or an
    /// import (issue 26). `Display` is the short form, for logs and tests.
    pub fn sentence(&self, what: &str) -> String {
        let what_cap = {
            let mut c = what.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        };
        match self {
            Self::Empty => format!("{what_cap} is empty: write an address such as name@example.org."),
            Self::TooLong => format!("{what_cap} is longer than {MAX_LENGTH} characters, the most an address can have."),
            Self::SeveralAddresses(sep) => format!("{what_cap} holds several addresses separated by '{sep}': give one address on each line."),
            Self::ContainsSpace => format!("{what_cap} has a space in it: an address has none."),
            Self::MissingAt => format!("{what_cap} has no @: write it as name@example.org."),
            Self::MoreThanOneAt => format!("{what_cap} has more than one @: an address has exactly one."),
            Self::EmptyLocalPart => format!("{what_cap} has nothing before the @: write it as name@example.org."),
            Self::LocalPartTooLong => format!("The part of {what} before the @ is longer than {MAX_LOCAL_LENGTH} characters."),
            Self::EmptyDomain => format!("{what_cap} has nothing after the @: write it as name@example.org."),
            Self::DomainHasNoDot => format!("The domain of {what} (after the @) has no dot: write it as name@example.org."),
            Self::MisplacedDot => format!("{what_cap} has two dots in a row, or a dot at the start or end of a part: check how it is written."),
            Self::InvalidDomainLabel(label) => format!("The part \"{label}\" of {what} is not a valid domain name: use letters, digits and hyphens."),
            Self::InvalidCharacter(c) => format!("{what_cap} contains '{c}', which an address cannot hold."),
        }
    }
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        match Self::parse_plain_ascii(input) {
            Some(email) => Ok(email),
            None => Self::parse_any(input),
        }
    }

    /// The fast path: an address of printable ASCII without surrounding spaces that passes every
    /// rule, checked in one pass over its bytes. `None` for anything else, valid or not (spaces,
    /// non-ASCII, any mistake), which [`Self::parse_any`] then decides: it gives the same result
    /// for every address this accepts (a property test below holds them to that).
    fn parse_plain_ascii(input: &str) -> Option<Self> {
        let upper = plain_ascii_has_upper(input.as_bytes())?;
        Some(Self::from_plain_ascii(input, upper))
    }

    /// The fast path for a reader that holds bytes not yet decoded (a CSV cell): `Some` only
    /// for a plain address of printable ASCII that passes every rule, the same address
    /// [`Self::parse`] gives for the same text. `None` means: decode the bytes and [`Self::parse`].
    pub fn parse_plain_bytes(bytes: &[u8]) -> Option<Self> {
        let upper = plain_ascii_has_upper(bytes)?;
        // Every byte was found in the table, so all are ASCII: this cannot fail.
        let input = std::str::from_utf8(bytes).ok()?;
        Some(Self::from_plain_ascii(input, upper))
    }

    /// An address the fast path accepted: one allocation for its entered form and, when that
    /// has upper-case letters, its identity.
    fn from_plain_ascii(input: &str, upper: bool) -> Self {
        if upper {
            let mut text = String::with_capacity(2 * input.len());
            text.push_str(input);
            text.push_str(input);
            text[input.len()..].make_ascii_lowercase();
            Self {
                text,
                identity_at: input.len(),
            }
        } else {
            Self {
                text: input.to_owned(),
                identity_at: 0,
            }
        }
    }

    /// Every rule, in the order that picks the reason a person is told.
    fn parse_any(input: &str) -> Result<Self, EmailError> {
        let entered = input.trim();
        if entered.is_empty() {
            return Err(EmailError::Empty);
        }
        // Bytes bound characters from above: count characters only when the bytes are over.
        if entered.len() > MAX_LENGTH && entered.chars().count() > MAX_LENGTH {
            return Err(EmailError::TooLong);
        }
        // "ann@x.fr; bob@y.fr" (a list pasted, or a row of a spreadsheet saved with
        // semicolons) is said to be several addresses, not an address with a space (issue 28).
        for sep in [';', ','] {
            let parts = entered.split(sep).filter(|p| p.contains('@')).count();
            if parts > 1 {
                return Err(EmailError::SeveralAddresses(sep));
            }
        }
        if entered.chars().any(char::is_whitespace) {
            return Err(EmailError::ContainsSpace);
        }
        let (local, domain) = match entered.split_once('@') {
            None => return Err(EmailError::MissingAt),
            Some((_, rest)) if rest.contains('@') => return Err(EmailError::MoreThanOneAt),
            Some(parts) => parts,
        };
        check_local_part(local)?;
        check_domain(domain)?;
        let identity = if entered.is_ascii() {
            entered.to_ascii_lowercase()
        } else {
            entered.to_lowercase()
        };
        Ok(if identity == entered {
            Self {
                text: identity,
                identity_at: 0,
            }
        } else {
            let mut text = String::with_capacity(entered.len() + identity.len());
            text.push_str(entered);
            text.push_str(&identity);
            Self {
                text,
                identity_at: entered.len(),
            }
        })
    }

    /// The address as the person typed it (trimmed), for display and for sending.
    pub fn as_entered(&self) -> &str {
        match self.identity_at {
            0 => &self.text,
            at => &self.text[..at],
        }
    }

    /// The case-insensitive identity: the key of an invitation within a contract.
    pub fn identity(&self) -> &str {
        &self.text[self.identity_at..]
    }
}

/// The check of the fast path ([`EmailAddress::parse_plain_bytes`]): `Some(has an upper-case
/// letter)` for a plain address of printable ASCII that passes every rule, else `None`.
fn plain_ascii_has_upper(bytes: &[u8]) -> Option<bool> {
    if bytes.len() > MAX_LENGTH {
        return None;
    }
    // One pass, one table lookup per byte. The local part: no dot first, last or doubled.
    let mut classes = 0u8;
    let mut previous = b'.';
    let mut at = 0;
    loop {
        let b = *bytes.get(at)?;
        if b == b'@' {
            break;
        }
        if b == b'.' {
            if previous == b'.' {
                return None;
            }
        } else {
            let class = CLASS[usize::from(b)];
            if class & LOCAL == 0 {
                return None;
            }
            classes |= class;
        }
        previous = b;
        at += 1;
    }
    if previous == b'.' || at > MAX_LOCAL_LENGTH {
        return None;
    }
    // The domain: at least two labels, each non-empty, at most 63 bytes, of letters, digits
    // and inner hyphens; the last not all digits. (A second `@` is not a label byte.)
    let mut label_start = at + 1;
    let mut dots = 0;
    let mut all_digits = true;
    previous = b'.';
    for (i, &b) in bytes.iter().enumerate().skip(at + 1) {
        if b == b'.' {
            if previous == b'.' || previous == b'-' || i - label_start > MAX_LABEL_LENGTH {
                return None;
            }
            dots += 1;
            label_start = i + 1;
            all_digits = true;
        } else {
            let class = CLASS[usize::from(b)];
            if class & LABEL == 0 || (b == b'-' && previous == b'.') {
                return None;
            }
            classes |= class;
            all_digits &= class & DIGIT != 0;
        }
        previous = b;
    }
    if previous == b'.'
        || previous == b'-'
        || bytes.len() - label_start > MAX_LABEL_LENGTH
        || dots == 0
        || all_digits
    {
        return None;
    }
    Some(classes & UPPER != 0)
}

/// Byte classes of the fast path: a byte of the dot-atom local part of RFC 5322 other than the
/// dot (quoted local parts are legal but nobody types them into a CSV), of a domain label, an
/// upper-case letter, a digit.
const LOCAL: u8 = 1;
const LABEL: u8 = 2;
const UPPER: u8 = 4;
const DIGIT: u8 = 8;
static CLASS: [u8; 256] = byte_classes();

const fn byte_classes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let mut class = 0;
        if c.is_ascii_alphanumeric() {
            class |= LOCAL | LABEL;
        }
        if c.is_ascii_uppercase() {
            class |= UPPER;
        }
        if c.is_ascii_digit() {
            class |= DIGIT;
        }
        if c == b'-' {
            class |= LABEL;
        }
        let specials = b"!#$%&'*+-/=?^_`{|}~";
        let mut i = 0;
        while i < specials.len() {
            if specials[i] == c {
                class |= LOCAL;
            }
            i += 1;
        }
        table[b] = class;
        b += 1;
    }
    table
}

fn check_local_part(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(EmailError::EmptyLocalPart);
    }
    if local.len() > MAX_LOCAL_LENGTH {
        return Err(EmailError::LocalPartTooLong);
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::MisplacedDot);
    }
    // The dot-atom form of RFC 5322; quoted local parts are legal but nobody types them into a CSV.
    const SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~.";
    match local
        .chars()
        .find(|c| !(c.is_alphanumeric() || SPECIALS.contains(*c)))
    {
        Some(c) => Err(EmailError::InvalidCharacter(c)),
        None => Ok(()),
    }
}

fn check_domain(domain: &str) -> Result<(), EmailError> {
    if domain.is_empty() {
        return Err(EmailError::EmptyDomain);
    }
    if let Some(c) = domain
        .chars()
        .find(|c| !(c.is_alphanumeric() || *c == '-' || *c == '.'))
    {
        return Err(EmailError::InvalidCharacter(c));
    }
    if !domain.contains('.') {
        return Err(EmailError::DomainHasNoDot);
    }
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Err(EmailError::MisplacedDot);
    }
    for label in domain.split('.') {
        if label.chars().count() > MAX_LABEL_LENGTH
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(EmailError::InvalidDomainLabel(label.to_owned()));
        }
    }
    let tld = domain.rsplit('.').next().unwrap_or_default();
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return Err(EmailError::InvalidDomainLabel(tld.to_owned()));
    }
    Ok(())
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailAddress")
            .field("entered", &self.as_entered())
            .field("identity", &self.identity())
            .finish()
    }
}

impl PartialEq for EmailAddress {
    fn eq(&self, other: &Self) -> bool {
        self.identity() == other.identity()
    }
}
impl Eq for EmailAddress {}

impl std::hash::Hash for EmailAddress {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.identity().hash(state)
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_entered())
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        self.as_entered()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keeps_the_entered_form_and_lowercases_the_identity() {
        let email = EmailAddress::parse("  Ann.Lee@Example.COM ").unwrap();
        assert_eq!(email.as_entered(), "Ann.Lee@Example.COM");
        assert_eq!(email.identity(), "ann.lee@example.com");
        assert_eq!(email, EmailAddress::parse("ann.lee@example.com").unwrap());
    }

    #[test]
    fn gives_a_reason_for_each_kind_of_mistake() {
        let cases = [
            ("", EmailError::Empty),
            ("   ", EmailError::Empty),
            ("ann.example.com", EmailError::MissingAt),
            ("ann@b@example.com", EmailError::MoreThanOneAt),
            ("@example.com", EmailError::EmptyLocalPart),
            ("ann@", EmailError::EmptyDomain),
            ("ann@localhost", EmailError::DomainHasNoDot),
            ("ann lee@example.com", EmailError::ContainsSpace),
            (
                "ann@example.fr; bob@example.de",
                EmailError::SeveralAddresses(';'),
            ),
            (
                "ann@example.fr,bob@example.de",
                EmailError::SeveralAddresses(','),
            ),
            ("ann..lee@example.com", EmailError::MisplacedDot),
            ("ann@example..com", EmailError::MisplacedDot),
            (
                "ann@-example.com",
                EmailError::InvalidDomainLabel("-example".into()),
            ),
            (
                "ann@example.123",
                EmailError::InvalidDomainLabel("123".into()),
            ),
            ("ann,lee@example.com", EmailError::InvalidCharacter(',')),
            ("ann@exa_mple.com", EmailError::InvalidCharacter('_')),
        ];
        for (input, expected) in cases {
            assert_eq!(
                EmailAddress::parse(input).unwrap_err(),
                expected,
                "{input:?}"
            );
        }
        assert_eq!(EmailError::MissingAt.to_string(), "missing @");
        assert_eq!(EmailError::DomainHasNoDot.to_string(), "domain has no dot");
        assert_eq!(EmailError::ContainsSpace.to_string(), "contains a space");
    }

    #[test]
    fn accepts_real_world_addresses() {
        for ok in [
            "a@b.co",
            "first.last+tag@sub.example.org",
            "o'connor@example.ie",
            "user@xn--bcher-kva.example",
            "jörg@bücher.de",
        ] {
            assert!(EmailAddress::parse(ok).is_ok(), "{ok}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(
            EmailAddress::parse(&long_local).unwrap_err(),
            EmailError::LocalPartTooLong
        );
        let too_long = format!("a@{}.com", "b.".repeat(130));
        assert_eq!(
            EmailAddress::parse(&too_long).unwrap_err(),
            EmailError::TooLong
        );
    }

    fn valid_address() -> impl Strategy<Value = String> {
        (
            "[a-zA-Z0-9]([a-zA-Z0-9+_-]{0,10}[a-zA-Z0-9])?",
            proptest::collection::vec("[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", 1..3),
            "[a-zA-Z]{2,6}",
        )
            .prop_map(|(local, labels, tld)| format!("{local}@{}.{tld}", labels.join(".")))
    }

    /// Text near the edge of the rules: valid addresses with a character changed, added or
    /// removed, runs of the characters addresses are made of, and any text.
    fn near_addresses() -> impl Strategy<Value = String> {
        let edit = (
            valid_address(),
            any::<prop::sample::Index>(),
            prop_oneof![
                Just(String::new()),
                "[.@ _+\\-]",
                "[A-Z]",
                "[0-9]",
                "[ -~]",
                "[éÅ\u{130}\u{212a}\u{feff}\u{a0}]",
            ],
            any::<bool>(),
        )
            .prop_map(|(addr, at, with, replace)| {
                let i = at.index(addr.len() + 1);
                let end = if replace { (i + 1).min(addr.len()) } else { i };
                format!("{}{with}{}", &addr[..i], &addr[end..])
            });
        prop_oneof![
            valid_address(),
            edit,
            "[a-zA-Z0-9.@-]{0,20}\\.[a-z0-9]{0,4}",
            "[a-z]{0,70}@[a-z0-9-]{0,70}\\.[a-z0-9-]{0,70}\\.[a-z]{1,70}",
            "[ -~]{0,40}",
            "\\PC{0,40}",
        ]
    }

    #[test]
    fn the_fast_path_takes_plain_addresses_and_leaves_the_rest() {
        for plain in [
            "a@b.co",
            "Ann.Lee@Example.COM",
            "o'connor+x@mail.example.ie",
        ] {
            assert!(EmailAddress::parse_plain_ascii(plain).is_some(), "{plain}");
        }
        for other in [
            " a@b.co",
            "a@b.co\t",
            "jörg@bücher.de",
            "a@b",
            "a@b.123",
            "a..b@c.de",
            ".a@c.de",
            "a@-b.de",
            "a@b-.de",
            "a@b..de",
            "a@b@c.de",
            "@b.de",
            "a@",
            "",
        ] {
            assert!(EmailAddress::parse_plain_ascii(other).is_none(), "{other}");
        }
        let long_label = format!("a@{}.com", "b".repeat(64));
        assert!(EmailAddress::parse_plain_ascii(&long_label).is_none());
        let long_local = format!("{}@b.com", "a".repeat(65));
        assert!(EmailAddress::parse_plain_ascii(&long_local).is_none());
        let upper = EmailAddress::parse_plain_ascii("Ann@B.CO").unwrap();
        assert_eq!(
            (upper.as_entered(), upper.identity()),
            ("Ann@B.CO", "ann@b.co")
        );
        let lower = EmailAddress::parse_plain_ascii("ann@b.co").unwrap();
        assert_eq!(
            (lower.as_entered(), lower.identity()),
            ("ann@b.co", "ann@b.co")
        );
    }

    proptest! {
        #[test]
        fn parsing_never_panics(input in "\\PC{0,300}") {
            let _ = EmailAddress::parse(&input);
        }

        #[test]
        fn valid_addresses_parse_and_identity_ignores_case_and_padding(addr in valid_address(), pad in "[ \t]{0,3}") {
            let padded = format!("{pad}{addr}{pad}");
            let parsed = EmailAddress::parse(&padded).unwrap();
            prop_assert_eq!(parsed.as_entered(), addr.as_str());
            let upper = EmailAddress::parse(&addr.to_uppercase()).unwrap();
            prop_assert_eq!(parsed.identity(), upper.identity());
        }

        #[test]
        fn identity_is_stable_under_reparsing(input in "\\PC{0,80}") {
            if let Ok(parsed) = EmailAddress::parse(&input) {
                let again = EmailAddress::parse(parsed.identity()).unwrap();
                prop_assert_eq!(again.identity(), parsed.identity());
            }
        }

        #[test]
        fn anything_with_a_space_inside_is_refused(a in valid_address(), cut in 1usize..5) {
            let cut = cut.min(a.len() - 1);
            let spaced = format!("{} {}", &a[..cut], &a[cut..]);
            prop_assert_eq!(EmailAddress::parse(&spaced).unwrap_err(), EmailError::ContainsSpace);
        }

        #[test]
        fn the_fast_path_agrees_with_the_full_parser(input in near_addresses()) {
            let full = EmailAddress::parse_any(&input);
            if let Some(fast) = EmailAddress::parse_plain_ascii(&input) {
                let full = full.clone().expect("the full parser accepts what the fast path does");
                prop_assert_eq!(fast.as_entered(), full.as_entered());
                prop_assert_eq!(fast.identity(), full.identity());
            }
            let parsed = EmailAddress::parse(&input);
            prop_assert_eq!(parsed.as_ref().err(), full.as_ref().err());
            if let (Ok(parsed), Ok(full)) = (parsed, full) {
                prop_assert_eq!(parsed.as_entered(), full.as_entered());
                prop_assert_eq!(parsed.identity(), full.identity());
            }
        }

        #[test]
        fn the_fast_path_takes_every_plain_valid_address(addr in valid_address()) {
            prop_assert!(EmailAddress::parse_plain_ascii(&addr).is_some(), "{}", addr);
        }

        #[test]
        fn anything_without_an_at_is_refused(a in "[a-z0-9.]{1,30}") {
            prop_assert_eq!(EmailAddress::parse(&a).unwrap_err(), EmailError::MissingAt);
        }
    }
}
