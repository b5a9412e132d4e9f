//! The invitation mail: a contract's own subject and message (with merge fields), the fixed
//! parts in the contract's language, and the one renderer. The mailer sends what [`render`]
//! makes and the site's preview shows what [`render`] makes (this crate builds for wasm32), so
//! preview and mail cannot differ.

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// The languages of a mail's fixed parts (greeting, button, the lines about the link).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Fr,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Fr => "Français",
        }
    }
}

/// The merge fields a subject or message may use, with what each becomes.
pub const MERGE_FIELDS: [(&str, &str); 6] = [
    (
        "name",
        "the invited person's name (or nothing when it is not known)",
    ),
    ("contract", "the learning contract's name"),
    (
        "activities",
        "the activities the invitation covers, separated by commas",
    ),
    (
        "inviter",
        "who invited them (or the contract's administrator)",
    ),
    ("expiry", "when the link stops working"),
    ("link", "the personal enrolment link"),
];

/// Longest subject, in characters.
pub const MAX_SUBJECT: usize = 200;
/// Longest message, in characters.
pub const MAX_MESSAGE: usize = 5_000;

/// Why a subject or message is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("The {part} uses {{{field}}}, which is not a merge field. Use one of: {{name}}, {{contract}}, {{activities}}, {{inviter}}, {{expiry}}, {{link}}.")]
    UnknownField { part: Part, field: String },
    #[error("The {part} has a {{ that is not closed (at character {at}). Write {{{{ for a brace itself.")]
    Unclosed { part: Part, at: usize },
    #[error("The {part} has a }} that closes nothing (at character {at}). Write }}}} for a brace itself.")]
    StrayClose { part: Part, at: usize },
    #[error("The subject is empty.")]
    EmptySubject,
    #[error("The message is empty.")]
    EmptyMessage,
    #[error("The {part} is longer than {max} characters.")]
    TooLong { part: Part, max: usize },
    /// A line break in a subject would end the mail header it is written into (issue 26).
    #[error("The subject is one line: remove its line breaks and other control characters.")]
    SubjectNotOneLine,
    /// The link is personal: in the subject it would sit in mail headers and the mail
    /// service's reports (issue 26).
    #[error("The subject cannot hold {{link}}: the link is personal, and a subject is shown and logged where the message is not. Put {{link}} in the message.")]
    LinkInSubject,
}

impl TemplateError {
    /// The merge field refused, when that is the reason.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::UnknownField { field, .. } => Some(field),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Subject,
    Message,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Subject => "subject",
            Self::Message => "message",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Contract,
    Activities,
    Inviter,
    Expiry,
    Link,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Field(Field),
}

fn parse_pieces(part: Part, source: &str) -> Result<Vec<Piece>, TemplateError> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = source.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek().map(|(_, c)| *c) == Some('}') => {
                chars.next();
                text.push('}');
            }
            '}' => {
                return Err(TemplateError::StrayClose {
                    part,
                    at: source[..at].chars().count() + 1,
                })
            }
            '{' => {
                let rest = &source[at + 1..];
                let Some(end) = rest.find('}') else {
                    return Err(TemplateError::Unclosed {
                        part,
                        at: source[..at].chars().count() + 1,
                    });
                };
                let name = &rest[..end];
                if name.contains('{') {
                    return Err(TemplateError::Unclosed {
                        part,
                        at: source[..at].chars().count() + 1,
                    });
                }
                let field = match name.trim() {
                    "name" => Field::Name,
                    "contract" => Field::Contract,
                    "activities" => Field::Activities,
                    "inviter" => Field::Inviter,
                    "expiry" => Field::Expiry,
                    "link" => Field::Link,
                    other => {
                        return Err(TemplateError::UnknownField {
                            part,
                            field: other.to_owned(),
                        })
                    }
                };
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Field(field));
                // Skip the field's characters and its closing brace.
                for _ in 0..name.chars().count() + 1 {
                    chars.next();
                }
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// A contract's own subject and message, checked: every merge field is known, braces match,
/// neither is empty or too long. Holds the admin's text as typed (what the form shows again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawTemplate", into = "RawTemplate")]
pub struct MailTemplate {
    subject: String,
    message: String,
    #[serde(skip)]
    parsed_subject: Vec<Piece>,
    #[serde(skip)]
    parsed_message: Vec<Piece>,
}

#[derive(Serialize, Deserialize)]
struct RawTemplate {
    subject: String,
    message: String,
}

impl TryFrom<RawTemplate> for MailTemplate {
    type Error = TemplateError;
    fn try_from(raw: RawTemplate) -> Result<Self, Self::Error> {
        MailTemplate::parse(&raw.subject, &raw.message)
    }
}

impl From<MailTemplate> for RawTemplate {
    fn from(t: MailTemplate) -> Self {
        RawTemplate {
            subject: t.subject,
            message: t.message,
        }
    }
}

impl MailTemplate {
    pub fn parse(subject: &str, message: &str) -> Result<Self, TemplateError> {
        let subject = subject.trim();
        let message = message.trim().replace("\r\n", "\n");
        if subject.is_empty() {
            return Err(TemplateError::EmptySubject);
        }
        if subject.chars().any(char::is_control) {
            return Err(TemplateError::SubjectNotOneLine);
        }
        if message.is_empty() {
            return Err(TemplateError::EmptyMessage);
        }
        if subject.chars().count() > MAX_SUBJECT {
            return Err(TemplateError::TooLong {
                part: Part::Subject,
                max: MAX_SUBJECT,
            });
        }
        if message.chars().count() > MAX_MESSAGE {
            return Err(TemplateError::TooLong {
                part: Part::Message,
                max: MAX_MESSAGE,
            });
        }
        let parsed_subject = parse_pieces(Part::Subject, subject)?;
        if parsed_subject.contains(&Piece::Field(Field::Link)) {
            return Err(TemplateError::LinkInSubject);
        }
        Ok(Self {
            parsed_subject,
            parsed_message: parse_pieces(Part::Message, &message)?,
            subject: subject.to_owned(),
            message,
        })
    }

    /// A template as stored. Subjects saved before the one-line and no-link rules (issue 26)
    /// are read as they were sent, on one line (control characters as spaces), and without
    /// the link, so an old contract stays readable; new ones are refused at `parse`.
    pub fn from_stored(subject: &str, message: &str) -> Result<Self, TemplateError> {
        match Self::parse(subject, message) {
            Err(TemplateError::SubjectNotOneLine | TemplateError::LinkInSubject) => {
                let one_line: String = subject
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                Self::parse(&one_line.replace("{link}", ""), message)
            }
            other => other,
        }
    }

    /// The standard subject and message in `language`: what a contract without its own says.
    pub fn standard(language: Language) -> Self {
        let (subject, message) = match language {
            Language::En => (
                "You're invited to {contract}",
                "You have been invited by {inviter} to join the learning contract \"{contract}\".",
            ),
            Language::Fr => (
                "Invitation : {contract}",
                "Vous êtes invité(e) par {inviter} à rejoindre le contrat de formation « {contract} ».",
            ),
        };
        Self::parse(subject, message).expect("the standard text is valid")
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

/// What a contract's invitation mail says: its language, and its own text or the standard one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractMail {
    pub language: Language,
    /// `None`: the standard text of the language.
    pub custom: Option<MailTemplate>,
}

impl ContractMail {
    pub fn template(&self) -> MailTemplate {
        self.custom
            .clone()
            .unwrap_or_else(|| MailTemplate::standard(self.language))
    }

    /// The mail of one person whose language may not be the contract's (issue 31): the
    /// contract's own mail in its language, else the standard text in theirs (a contract's
    /// own text is written in one language; it is not translated).
    pub fn for_person(&self, language: Option<Language>) -> std::borrow::Cow<'_, ContractMail> {
        match language {
            Some(language) if language != self.language => std::borrow::Cow::Owned(ContractMail {
                language,
                custom: None,
            }),
            _ => std::borrow::Cow::Borrowed(self),
        }
    }
}

/// Which mail of an invitation this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// The invitation (or a new link: resend, re-invite, corrected address).
    Invitation,
    /// An automatic reminder of the same link (its number, from 1).
    Reminder(u32),
    /// "Send me a test": to the admin, marked, with a link that enrols nobody.
    Test,
}

/// The values merged into a mail.
#[derive(Debug, Clone)]
pub struct MailValues<'a> {
    /// The invited person's name, when the inviter or the directory gave one.
    pub recipient_name: Option<&'a str>,
    pub contract_name: &'a str,
    /// Names of the activities the invitation gives access to.
    pub activities: &'a [String],
    /// The inviter's name from the directory; None when they are not (or no longer) in it.
    pub inviter_name: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
    /// The personal enrolment link.
    pub link: &'a str,
}

/// A mail ready to send: its subject on one line, its HTML and text bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// The fixed parts of the mail, in one language.
struct Words {
    hello: &'static str,
    hello_name: fn(&str) -> String,
    administrator_of: fn(&str) -> String,
    access: &'static str,
    open_link: &'static str,
    button: &'static str,
    copy_link: &'static str,
    personal: fn(&str) -> String,
    ignore: &'static str,
    reminder_subject: &'static str,
    reminder_line: fn(u32) -> String,
    test_subject: &'static str,
    test_line: &'static str,
    months: [&'static str; 12],
    at: &'static str,
}

fn words(language: Language) -> Words {
    match language {
        Language::En => Words {
            hello: "Hello,",
            hello_name: |name| format!("Hello {name},"),
            administrator_of: |contract| format!("the administrator of {contract}"),
            access: "It gives you access to:",
            open_link: "To accept the invitation, open this link and enrol:",
            button: "Accept the invitation",
            copy_link: "If the button does not work, copy this link into your browser:",
            personal: |until| {
                format!(
                    "The link is personal, so please do not forward it. It works until {until}."
                )
            },
            ignore: "If you were not expecting this invitation, you can ignore this email.",
            reminder_subject: "Reminder: ",
            reminder_line: |n| {
                if n <= 1 {
                    "A reminder: your invitation is still waiting for you.".to_owned()
                } else {
                    format!("A reminder (number {n}): your invitation is still waiting for you.")
                }
            },
            test_subject: "[Test] ",
            test_line: "This is a test of the invitation mail. Its link enrols nobody.",
            months: [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
            at: "at",
        },
        Language::Fr => Words {
            hello: "Bonjour,",
            hello_name: |name| format!("Bonjour {name},"),
            administrator_of: |contract| format!("l'administrateur de {contract}"),
            access: "Elle vous donne accès à :",
            open_link: "Pour accepter l'invitation, ouvrez ce lien et inscrivez-vous :",
            button: "Accepter l'invitation",
            copy_link: "Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :",
            personal: |until| {
                format!("Ce lien est personnel, merci de ne pas le transférer. Il est valable jusqu'au {until}.")
            },
            ignore: "Si vous n'attendiez pas cette invitation, vous pouvez ignorer ce message.",
            reminder_subject: "Rappel : ",
            reminder_line: |n| {
                if n <= 1 {
                    "Un rappel : votre invitation vous attend toujours.".to_owned()
                } else {
                    format!("Un rappel (n° {n}) : votre invitation vous attend toujours.")
                }
            },
            test_subject: "[Test] ",
            test_line: "Ceci est un essai du message d'invitation. Son lien n'inscrit personne.",
            months: [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ],
            at: "à",
        },
    }
}

/// E.g. "16 March 2026 at 09:00 UTC", "16 mars 2026 à 09:00 UTC".
pub fn format_expiry(language: Language, at: DateTime<Utc>) -> String {
    let w = words(language);
    format!(
        "{} {} {} {} {:02}:{:02} UTC",
        at.day(),
        w.months[at.month0() as usize],
        at.year(),
        w.at,
        at.hour(),
        at.minute()
    )
}

/// The mail's only styles: inline `style` attributes, as mail clients need. The site's preview
/// shows the same HTML under its Content-Security-Policy, which allows exactly these by their
/// hashes (`'unsafe-hashes'`, infra/template.yaml; a test keeps the two in step).
pub const BODY_STYLE: &str =
    "font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;";
pub const BANNER_STYLE: &str =
    "padding: 8px 12px; background: #fef3c7; border-left: 4px solid #b45309;";
pub const BUTTON_STYLE: &str = "display: inline-block; padding: 10px 20px; background: #1d4ed8; color: #ffffff; text-decoration: none; border-radius: 4px;";
pub const STYLES: [&str; 3] = [BODY_STYLE, BANNER_STYLE, BUTTON_STYLE];

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A header value on one line: line breaks and other control characters become spaces.
fn one_line(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct Merge<'a> {
    values: &'a MailValues<'a>,
    inviter: String,
    name: String,
    expiry: String,
    activities: String,
}

impl Merge<'_> {
    fn value(&self, field: Field) -> &str {
        match field {
            Field::Name => &self.name,
            Field::Contract => self.values.contract_name,
            Field::Activities => &self.activities,
            Field::Inviter => &self.inviter,
            Field::Expiry => &self.expiry,
            Field::Link => self.values.link,
        }
    }

    fn text(&self, pieces: &[Piece]) -> String {
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Field(f) => out.push_str(self.value(*f)),
            }
        }
        out
    }

    /// The admin's text is escaped as a whole; only a link field becomes markup.
    fn html(&self, pieces: &[Piece]) -> String {
        let mut out = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push_str(&escape_html(t)),
                Piece::Field(Field::Link) => {
                    let link = escape_html(self.values.link);
                    let _ = write!(out, "<a href=\"{link}\">{link}</a>");
                }
                Piece::Field(f) => out.push_str(&escape_html(self.value(*f))),
            }
        }
        out
    }
}

/// Renders one mail: the contract's text with the values merged, in the fixed frame of its
/// language. Every value and every character the admin typed is escaped in the HTML.
///
/// The standard text comes with a greeting and the list of activities; a contract's own text
/// stands alone (its admin greets with `{name}` and names `{activities}` where they want:
/// issue 28, no double greeting). Either way the frame adds what every mail needs: the button
/// and the link to copy, until when it works, and what to do if it was not meant for them.
pub fn render(mail: &ContractMail, kind: MailKind, values: &MailValues<'_>) -> RenderedMail {
    let template = mail.template();
    let standard = mail.custom.is_none();
    let w = words(mail.language);
    let name = values
        .recipient_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("");
    let merge = Merge {
        values,
        inviter: match values.inviter_name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(inviter) => inviter.to_owned(),
            None => (w.administrator_of)(values.contract_name),
        },
        name: name.to_owned(),
        expiry: format_expiry(mail.language, values.expires_at),
        activities: values.activities.join(", "),
    };
    let greeting = if name.is_empty() {
        w.hello.to_owned()
    } else {
        (w.hello_name)(name)
    };
    let prefix = match kind {
        MailKind::Invitation => "",
        MailKind::Reminder(_) => w.reminder_subject,
        MailKind::Test => w.test_subject,
    };
    let banner = match kind {
        MailKind::Invitation => None,
        MailKind::Reminder(n) => Some((w.reminder_line)(n)),
        MailKind::Test => Some(w.test_line.to_owned()),
    };
    let subject = one_line(&format!("{prefix}{}", merge.text(&template.parsed_subject)));
    let message_text = merge.text(&template.parsed_message);
    let message_html = merge.html(&template.parsed_message);

    // Text body.
    let mut text = String::new();
    if let Some(banner) = &banner {
        let _ = writeln!(text, "{banner}\n");
    }
    if standard {
        let _ = writeln!(text, "{greeting}\n");
    }
    let _ = writeln!(text, "{}", message_text.trim_end());
    if standard && !values.activities.is_empty() {
        let _ = writeln!(text, "\n{}", w.access);
        for activity in values.activities {
            let _ = writeln!(text, "  - {activity}");
        }
    }
    let _ = writeln!(text, "\n{}\n\n{}\n", w.open_link, values.link);
    let _ = writeln!(text, "{}", (w.personal)(&merge.expiry));
    let _ = writeln!(text, "{}", w.ignore);

    // HTML body.
    let link = escape_html(values.link);
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n</head>\n\
         <body style=\"{BODY_STYLE}\">\n",
        mail.language.code(),
        escape_html(&subject)
    );
    if let Some(banner) = &banner {
        let _ = writeln!(
            html,
            "<p style=\"{BANNER_STYLE}\"><strong>{}</strong></p>",
            escape_html(banner)
        );
    }
    if standard {
        let _ = writeln!(html, "<p>{}</p>", escape_html(&greeting));
    }
    for paragraph in message_html.split("\n\n").filter(|p| !p.trim().is_empty()) {
        let _ = writeln!(html, "<p>{}</p>", paragraph.trim().replace('\n', "<br>\n"));
    }
    if standard && !values.activities.is_empty() {
        let _ = writeln!(html, "<p>{}</p>\n<ul>", escape_html(w.access));
        for activity in values.activities {
            let _ = writeln!(html, "<li>{}</li>", escape_html(activity));
        }
        let _ = writeln!(html, "</ul>");
    }
    let _ = writeln!(
        html,
        "<p><a href=\"{link}\" style=\"{BUTTON_STYLE}\">{}</a></p>",
        escape_html(w.button)
    );
    let _ = writeln!(
        html,
        "<p>{}<br>\n<a href=\"{link}\">{link}</a></p>",
        escape_html(w.copy_link)
    );
    let _ = writeln!(
        html,
        "<p>{}<br>\n{}</p>",
        escape_html(&(w.personal)(&merge.expiry)),
        escape_html(w.ignore)
    );
    html.push_str("</body>\n</html>\n");
    RenderedMail {
        subject,
        html,
        text,
    }
}

#[cfg(test)]
mod tests;
