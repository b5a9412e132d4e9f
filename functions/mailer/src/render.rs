//! The invitation mail as the mail service takes it. What it says comes from the domain's one
//! renderer (`invitations_domain::mail`), which the site's preview also runs, so the preview and
//! the mail cannot differ; here it only gets its recipient and SES tags.

use invitations_core::domain::mail::{render, ContractMail, MailKind, MailValues};
use invitations_core::ports::OutgoingMail;

/// The mail of `kind` for `to`, in the contract's language and text.
pub fn outgoing(
    to: &str,
    mail: &ContractMail,
    kind: MailKind,
    values: &MailValues<'_>,
) -> OutgoingMail {
    let rendered = render(mail, kind, values);
    OutgoingMail {
        to: to.to_owned(),
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        tags: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use invitations_core::domain::mail::{Language, MailTemplate};

    #[test]
    fn the_mail_goes_to_the_address_as_invited_in_the_contracts_words() {
        let activities = vec!["First aid".to_owned()];
        let values = MailValues {
            recipient_name: Some("Ann Lee"),
            contract_name: "Leadership 2026",
            activities: &activities,
            inviter_name: None,
            expires_at: Utc.with_ymd_and_hms(2026, 3, 16, 9, 0, 0).unwrap(),
            link: "https://learn.example.com/enrol#token=abc",
        };
        let contract_mail = ContractMail {
            language: Language::Fr,
            custom: Some(MailTemplate::parse("{name} : {contract}", "Bienvenue.").unwrap()),
        };
        let mail = outgoing(
            "Ann.Lee@Example.com",
            &contract_mail,
            MailKind::Invitation,
            &values,
        );
        assert_eq!(mail.to, "Ann.Lee@Example.com");
        assert_eq!(mail.subject, "Ann Lee : Leadership 2026");
        assert!(mail.text.contains("Bienvenue."));
        assert!(mail.html.contains("Accepter l&#39;invitation"));
        assert!(mail.tags.is_empty());
    }
}
