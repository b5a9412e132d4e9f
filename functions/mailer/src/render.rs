//! The invitation mail: subject, HTML and text bodies. Pure: everything it says comes in through
//! [`InvitationMail`], so it is tested without a table or a mail service.

use chrono::{DateTime, Utc};
use invitations_core::ports::OutgoingMail;
use std::fmt::Write;

/// What one invitation mail says.
#[derive(Debug, Clone)]
pub struct InvitationMail<'a> {
    /// The address as the person was invited (the form as entered).
    pub to: &'a str,
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

impl InvitationMail<'_> {
    fn inviter(&self) -> String {
        match self.inviter_name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => name.to_owned(),
            None => format!("the administrator of {}", self.contract_name),
        }
    }

    fn greeting(&self) -> String {
        match self.recipient_name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => format!("Hello {name},"),
            None => "Hello,".to_owned(),
        }
    }

    /// E.g. "16 March 2026 at 09:00 UTC".
    fn expiry(&self) -> String {
        self.expires_at.format("%-d %B %Y at %H:%M UTC").to_string()
    }
}

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

pub fn render(mail: &InvitationMail<'_>) -> OutgoingMail {
    OutgoingMail {
        to: mail.to.to_owned(),
        subject: one_line(&format!("You're invited to {}", mail.contract_name)),
        html: html(mail),
        text: text(mail),
        tags: Vec::new(),
    }
}

fn text(mail: &InvitationMail<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", mail.greeting());
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "You have been invited by {} to join the learning contract \"{}\".",
        mail.inviter(),
        mail.contract_name
    );
    if !mail.activities.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "It gives you access to:");
        for activity in mail.activities {
            let _ = writeln!(out, "  - {activity}");
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "To accept the invitation, open this link and enrol:");
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", mail.link);
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "The link is personal, so please do not forward it. It works until {}.",
        mail.expiry()
    );
    let _ = writeln!(
        out,
        "If you were not expecting this invitation, you can ignore this email."
    );
    out
}

fn html(mail: &InvitationMail<'_>) -> String {
    let contract = escape_html(mail.contract_name);
    let link = escape_html(mail.link);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>You&#39;re invited to {contract}</title>\n</head>\n\
         <body style=\"font-family: Arial, Helvetica, sans-serif; color: #1f2933; line-height: 1.5;\">\n"
    );
    let _ = writeln!(out, "<p>{}</p>", escape_html(&mail.greeting()));
    let _ = writeln!(
        out,
        "<p>You have been invited by {} to join the learning contract <strong>{contract}</strong>.</p>",
        escape_html(&mail.inviter())
    );
    if !mail.activities.is_empty() {
        let _ = writeln!(out, "<p>It gives you access to:</p>\n<ul>");
        for activity in mail.activities {
            let _ = writeln!(out, "<li>{}</li>", escape_html(activity));
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(
        out,
        "<p><a href=\"{link}\" style=\"display: inline-block; padding: 10px 20px; \
         background: #1d4ed8; color: #ffffff; text-decoration: none; border-radius: 4px;\">\
         Accept the invitation</a></p>"
    );
    let _ = writeln!(
        out,
        "<p>If the button does not work, copy this link into your browser:<br>\
         <a href=\"{link}\">{link}</a></p>"
    );
    let _ = writeln!(
        out,
        "<p>The link is personal, so please do not forward it. It works until {}.<br>\
         If you were not expecting this invitation, you can ignore this email.</p>",
        escape_html(&mail.expiry())
    );
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample<'a>(activities: &'a [String]) -> InvitationMail<'a> {
        InvitationMail {
            to: "Ann.Lee@Example.com",
            recipient_name: Some("Ann Lee"),
            contract_name: "Leadership 2026",
            activities,
            inviter_name: Some("Ada Admin"),
            expires_at: Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap(),
            link: "https://learn.example.com/enrol#token=abc-_123",
        }
    }

    #[test]
    fn the_mail_names_the_contract_activities_inviter_expiry_and_link() {
        let activities = vec!["Safety basics".to_owned(), "First aid".to_owned()];
        let mail = render(&sample(&activities));
        assert_eq!(mail.to, "Ann.Lee@Example.com");
        assert_eq!(mail.subject, "You're invited to Leadership 2026");
        for body in [&mail.text, &mail.html] {
            assert!(body.contains("Hello Ann Lee,"), "{body}");
            assert!(body.contains("Leadership 2026"), "{body}");
            assert!(body.contains("Safety basics"), "{body}");
            assert!(body.contains("First aid"), "{body}");
            assert!(body.contains("invited by Ada Admin"), "{body}");
            assert!(body.contains("16 March 2026 at 09:00 UTC"), "{body}");
            assert!(
                body.contains("https://learn.example.com/enrol#token=abc-_123"),
                "{body}"
            );
        }
        // The link stands on a line of its own in the text, so mail clients make it clickable.
        assert!(mail
            .text
            .lines()
            .any(|l| l == "https://learn.example.com/enrol#token=abc-_123"));
        assert!(mail
            .html
            .contains("<a href=\"https://learn.example.com/enrol#token=abc-_123\""));
    }

    #[test]
    fn without_a_known_inviter_the_administrator_of_the_contract_invites() {
        let mut m = sample(&[]);
        m.inviter_name = None;
        m.recipient_name = None;
        let mail = render(&m);
        assert!(mail
            .text
            .contains("invited by the administrator of Leadership 2026 to join"));
        assert!(mail.text.starts_with("Hello,\n"));
        assert!(!mail.text.contains("access to"));
        assert!(!mail.html.contains("<ul>"));
        m.inviter_name = Some("   ");
        assert!(render(&m)
            .html
            .contains("the administrator of Leadership 2026"));
    }

    #[test]
    fn every_value_in_the_html_is_escaped() {
        let activities = vec!["<script>alert(1)</script>".to_owned()];
        let mut m = sample(&activities);
        m.contract_name = "R&D <b>\"Top\"</b>";
        m.inviter_name = Some("Eve <img src=x onerror=alert(1)>");
        m.recipient_name = Some("O'Brien <i>");
        m.link = "https://learn.example.com/enrol#token=a\"><script>";
        let mail = render(&m);
        for raw in [
            "<script>", "<b>", "<img", "<i>", "\"Top\"", "O'Brien", "a\">",
        ] {
            assert!(!mail.html.contains(raw), "{raw} in {}", mail.html);
        }
        assert!(mail
            .html
            .contains("R&amp;D &lt;b&gt;&quot;Top&quot;&lt;/b&gt;"));
        assert!(mail.html.contains("Eve &lt;img src=x onerror=alert(1)&gt;"));
        assert!(mail.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(mail.html.contains("Hello O&#39;Brien &lt;i&gt;,"));
        // The text body is plain text: shown as given, never interpreted.
        assert!(mail.text.contains("R&D <b>\"Top\"</b>"));
    }

    #[test]
    fn the_subject_stays_on_one_line() {
        let mut m = sample(&[]);
        m.contract_name = "Leadership\r\nBcc: someone@example.com";
        assert_eq!(
            render(&m).subject,
            "You're invited to Leadership Bcc: someone@example.com"
        );
    }

    #[test]
    fn escape_html_leaves_plain_text_alone() {
        assert_eq!(escape_html("Plain text, ünïcode."), "Plain text, ünïcode.");
        assert_eq!(escape_html("<&>\"'"), "&lt;&amp;&gt;&quot;&#39;");
    }
}
