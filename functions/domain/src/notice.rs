//! The inviter told (issue 31): each admin chooses, per contract, to hear of enrolments one mail
//! each, in a daily digest, or not at all, and whether to hear when the seats reach 90% and when
//! they run out (once each). The reminder run wakes each choice that asks for mail
//! ([`NoticeSetting::next_wake`]) and [`plan`] says what to send.

use crate::contract::Contract;
use crate::email::EmailAddress;
use crate::ids::{ContractId, UserId};
use crate::mail::escape_html;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentNotices {
    Each,
    Daily,
    #[default]
    Off,
}

impl EnrolmentNotices {
    pub fn code(self) -> &'static str {
        match self {
            Self::Each => "each",
            Self::Daily => "daily",
            Self::Off => "off",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Self::Each, Self::Daily, Self::Off]
            .into_iter()
            .find(|n| n.code() == code)
    }
}

/// How often a choice that hears of each enrolment (or of the seats) is looked at.
pub const LOOK_EVERY: Duration = Duration::minutes(5);
/// A digest at most this often.
pub const DIGEST_EVERY: Duration = Duration::days(1);
/// Enrolments named in one mail at most (the rest counted).
pub const NAMED_AT_MOST: usize = 100;

/// One admin's choice for one contract, and how far it has told them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSetting {
    pub contract_id: ContractId,
    pub admin: UserId,
    /// Where the mail goes: the admin's confirmed sign-in address when they chose.
    pub email: EmailAddress,
    pub enrolments: EnrolmentNotices,
    pub seat_alerts: bool,
    /// A system administrator (who manages every contract) when they chose.
    pub system_admin: bool,
    /// Enrolments up to this time have been told (or were before the choice).
    pub told_through: DateTime<Utc>,
    /// The seat threshold last told: 0, 90 or 100 (percent).
    pub seats_told: u8,
}

impl NoticeSetting {
    /// Whether anything is to be mailed at all.
    pub fn wants_mail(&self) -> bool {
        self.enrolments != EnrolmentNotices::Off || self.seat_alerts
    }

    /// When the run should next look, from `now`; `None`: never (nothing chosen).
    pub fn next_wake(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match (self.enrolments, self.seat_alerts) {
            (EnrolmentNotices::Each, _) | (_, true) => Some(now + LOOK_EVERY),
            (EnrolmentNotices::Daily, false) => Some(self.told_through + DIGEST_EVERY),
            (EnrolmentNotices::Off, false) => None,
        }
    }
}

/// One enrolment to tell about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub email: String,
    pub name: Option<String>,
    pub at: DateTime<Utc>,
}

/// A mail to an admin, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeMail {
    /// Stable for what it tells, so a run repeated cannot queue it twice.
    pub key: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What one wake of a setting does: the mails to queue and the setting's new state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePlan {
    pub mails: Vec<NoticeMail>,
    pub told_through: DateTime<Utc>,
    pub seats_told: u8,
    /// `None`: stop waking (the person is no longer an admin of the contract).
    pub next_wake: Option<DateTime<Utc>>,
}

/// The one rule of a setting's wake at `now`: `enrolled` are the contract's enrolments after
/// `told_through` up to `now`, oldest first.
pub fn plan(
    setting: &NoticeSetting,
    contract: &Contract,
    enrolled: &[Enrolled],
    now: DateTime<Utc>,
) -> NoticePlan {
    if !setting.system_admin && !contract.is_admin(&setting.admin) {
        return NoticePlan {
            mails: Vec::new(),
            told_through: setting.told_through,
            seats_told: setting.seats_told,
            next_wake: None,
        };
    }
    let mut mails = Vec::new();
    let mut told_through = setting.told_through;
    match setting.enrolments {
        EnrolmentNotices::Each => {
            for e in enrolled {
                mails.push(each_mail(setting, contract, e));
            }
            told_through = now;
        }
        EnrolmentNotices::Daily if now >= setting.told_through + DIGEST_EVERY => {
            if !enrolled.is_empty() {
                mails.push(digest_mail(setting, contract, enrolled));
            }
            told_through = now;
        }
        EnrolmentNotices::Daily => {}
        EnrolmentNotices::Off => told_through = now,
    }
    let mut seats_told = setting.seats_told;
    if setting.seat_alerts {
        if let Some(level) = seat_level(contract).filter(|l| *l > seats_told) {
            mails.push(seat_mail(setting, contract, level));
            seats_told = level;
        }
    }
    let after = NoticeSetting {
        told_through,
        seats_told,
        ..setting.clone()
    };
    NoticePlan {
        mails,
        told_through,
        seats_told,
        next_wake: after.next_wake(now),
    }
}

/// 100 when no seat is left, 90 from 90% of the seats used, else none.
pub fn seat_level(contract: &Contract) -> Option<u8> {
    let limit = contract.seat_limit.filter(|l| *l > 0)?;
    let used = contract.counts.seats_used();
    if used >= limit {
        Some(100)
    } else if used * 10 >= limit * 9 {
        Some(90)
    } else {
        None
    }
}

fn who(e: &Enrolled) -> String {
    match &e.name {
        Some(name) => format!("{name} <{}>", e.email),
        None => e.email.clone(),
    }
}

fn mail(key: String, subject: String, lines: Vec<String>) -> NoticeMail {
    let text = lines.join("\n") + "\n";
    let html = lines
        .iter()
        .map(|l| format!("<p>{}</p>", escape_html(l)))
        .collect::<String>();
    NoticeMail {
        key,
        subject,
        text,
        html,
    }
}

fn footer(contract: &Contract) -> String {
    format!(
        "You get this mail because you chose it on the Mail and reminders tab of {}; change \
         your choice there.",
        contract.name
    )
}

fn each_mail(setting: &NoticeSetting, contract: &Contract, e: &Enrolled) -> NoticeMail {
    mail(
        format!(
            "each#{}#{}#{}",
            setting.admin,
            e.email,
            e.at.timestamp_millis()
        ),
        format!("{} enrolled in {}", who(e), contract.name),
        vec![
            format!(
                "{} enrolled in {} on {}.",
                who(e),
                contract.name,
                e.at.format("%Y-%m-%d at %H:%M UTC")
            ),
            footer(contract),
        ],
    )
}

fn digest_mail(setting: &NoticeSetting, contract: &Contract, enrolled: &[Enrolled]) -> NoticeMail {
    let count = enrolled.len();
    let people = if count == 1 { "person" } else { "people" };
    let mut lines = vec![format!(
        "{count} {people} enrolled in {} since {}:",
        contract.name,
        setting.told_through.format("%Y-%m-%d %H:%M UTC")
    )];
    lines.extend(
        enrolled
            .iter()
            .take(NAMED_AT_MOST)
            .map(|e| format!("- {} ({})", who(e), e.at.format("%Y-%m-%d %H:%M UTC"))),
    );
    if count > NAMED_AT_MOST {
        lines.push(format!(
            "... and {} more: see the contract's Invitations tab.",
            count - NAMED_AT_MOST
        ));
    }
    lines.push(footer(contract));
    mail(
        format!(
            "daily#{}#{}",
            setting.admin,
            setting.told_through.timestamp_millis()
        ),
        format!("{count} {people} enrolled in {} today", contract.name),
        lines,
    )
}

fn seat_mail(setting: &NoticeSetting, contract: &Contract, level: u8) -> NoticeMail {
    let limit = contract.seat_limit.unwrap_or(0);
    let used = contract.counts.seats_used();
    let (subject, line) = if level >= 100 {
        (
            format!("No seats left in {}", contract.name),
            format!(
                "All {limit} seats of {} are taken: new invitations are refused (or wait on \
                 the waiting list) until a seat frees or the limit is raised.",
                contract.name
            ),
        )
    } else {
        (
            format!("90% of the seats of {} are used", contract.name),
            format!(
                "{used} of the {limit} seats of {} are taken ({} left).",
                contract.name,
                limit.saturating_sub(used)
            ),
        )
    };
    mail(
        format!("seats{level}#{}", setting.admin),
        subject,
        vec![line, footer(contract)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::tests::voucher;
    use chrono::TimeZone;

    fn t(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, hour, 0, 0).unwrap()
    }

    fn setting(c: &Contract, enrolments: EnrolmentNotices, seat_alerts: bool) -> NoticeSetting {
        NoticeSetting {
            contract_id: c.id.clone(),
            admin: c.admins[0].clone(),
            email: EmailAddress::parse("ada@corp.example").unwrap(),
            enrolments,
            seat_alerts,
            system_admin: false,
            told_through: t(0),
            seats_told: 0,
        }
    }

    fn enrolled(n: usize) -> Vec<Enrolled> {
        (0..n)
            .map(|i| Enrolled {
                email: format!("p{i}@corp.example"),
                name: (i == 0).then(|| "Ann Lee".into()),
                at: t(1),
            })
            .collect()
    }

    #[test]
    fn each_enrolment_is_one_mail() {
        let c = voucher(&["a1"]);
        let p = plan(
            &setting(&c, EnrolmentNotices::Each, false),
            &c,
            &enrolled(2),
            t(2),
        );
        assert_eq!(p.mails.len(), 2);
        assert!(p.mails[0]
            .subject
            .starts_with("Ann Lee <p0@corp.example> enrolled"));
        assert_eq!(p.told_through, t(2));
        assert_eq!(p.next_wake, Some(t(2) + LOOK_EVERY));
    }

    #[test]
    fn a_digest_goes_once_a_day_and_only_with_news() {
        let c = voucher(&["a1"]);
        let s = setting(&c, EnrolmentNotices::Daily, false);
        // Not a day yet: nothing, and the enrolments wait for the digest.
        let early = plan(&s, &c, &enrolled(3), t(12));
        assert!(early.mails.is_empty());
        assert_eq!(early.told_through, t(0));
        let day = t(0) + DIGEST_EVERY;
        let p = plan(&s, &c, &enrolled(3), day);
        assert_eq!(p.mails.len(), 1);
        assert!(p.mails[0].text.contains("3 people enrolled"));
        assert!(p.mails[0].text.contains("Ann Lee <p0@corp.example>"));
        assert_eq!(p.next_wake, Some(day + DIGEST_EVERY));
        // A quiet day: no mail, the clock moves on.
        let quiet = plan(&s, &c, &[], day);
        assert!(quiet.mails.is_empty());
        assert_eq!(quiet.told_through, day);
    }

    #[test]
    fn seats_are_told_once_per_threshold() {
        let mut c = voucher(&["a1"]);
        c.seat_limit = Some(10);
        c.counts.pending = 9;
        let s = setting(&c, EnrolmentNotices::Off, true);
        let p = plan(&s, &c, &[], t(1));
        assert_eq!(p.seats_told, 90);
        assert!(p.mails[0].subject.starts_with("90% of the seats"));
        let again = plan(
            &NoticeSetting {
                seats_told: 90,
                ..s.clone()
            },
            &c,
            &[],
            t(2),
        );
        assert!(again.mails.is_empty());
        c.counts.pending = 10;
        let full = plan(
            &NoticeSetting {
                seats_told: 90,
                ..s
            },
            &c,
            &[],
            t(3),
        );
        assert_eq!(full.seats_told, 100);
        assert!(full.mails[0].subject.starts_with("No seats left"));
    }

    #[test]
    fn someone_no_longer_an_admin_is_told_nothing_more() {
        let c = voucher(&["a1"]);
        let mut s = setting(&c, EnrolmentNotices::Each, true);
        s.admin = UserId::parse("someone-else").unwrap();
        let p = plan(&s, &c, &enrolled(1), t(2));
        assert!(p.mails.is_empty());
        assert_eq!(p.next_wake, None);
    }
}
