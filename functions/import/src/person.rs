//! What a row says about its person besides the address (issue 31): the name, the mail's
//! language, the group and when the mail goes, read from the row's cells ([`Details`]) with the
//! import's defaults for the cells left empty. A cell that cannot be read refuses the row, with a
//! sentence saying which cell and how to write it.

use crate::rows::Details;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use invitations_core::domain::import::shorten;
use invitations_core::domain::user::parse_name;
use invitations_core::domain::{Contract, Group, InviteOptions, Language, SendAt};

/// One row's person, as invited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: Option<String>,
    pub options: InviteOptions,
}

/// What every row of an import gets unless it says otherwise, and what a row's own send time is
/// checked against.
pub struct Defaults<'a> {
    /// Already resolved against the contract (a schedule of `None` mails at once).
    pub options: InviteOptions,
    pub contract: &'a Contract,
    pub now: DateTime<Utc>,
}

impl Defaults<'_> {
    /// The person of a row with no cell besides its address: the defaults alone.
    pub fn plain(&self) -> Person {
        Person {
            name: None,
            options: self.options.clone(),
        }
    }

    /// The person of a row with these cells, or why the row is refused, in a sentence.
    pub fn person(&self, details: &Details) -> Result<Person, String> {
        let language = match &details.language {
            None => self.options.language,
            Some(cell) => Some(parse_language(cell).ok_or_else(|| {
                format!(
                    "The language \"{}\" is not one the invitation mail is written in: write en \
                     (English) or fr (French), or leave the cell empty for the contract's \
                     language.",
                    shown(cell)
                )
            })?),
        };
        let group = match &details.group {
            None => self.options.group.clone(),
            Some(cell) => Some(
                Group::parse(cell)
                    .map_err(|e| format!("The group \"{}\" cannot be used. {e}", shown(cell)))?,
            ),
        };
        let schedule = match &details.send_at {
            None => self.options.schedule,
            Some(cell) => {
                let at = parse_send_time(cell).ok_or_else(|| {
                    format!(
                        "The send time \"{}\" is not a date and time the import reads: write it \
                         as 2027-03-01 09:00 or 2027-03-01 (UTC), or with its offset as \
                         2027-03-01T09:00:00+01:00, or leave the cell empty.",
                        shown(cell)
                    )
                })?;
                SendAt::At(at)
                    .resolve(self.contract, self.now)
                    .map_err(|e| e.to_string())?
            }
        };
        Ok(Person {
            name: name(details)?,
            options: InviteOptions {
                schedule,
                group,
                language,
            },
        })
    }
}

/// The name cell, else the first and last names joined, through the directory's name rules.
fn name(details: &Details) -> Result<Option<String>, String> {
    let joined;
    let given = match (&details.name, &details.first_name, &details.last_name) {
        (Some(name), _, _) => name,
        (None, Some(first), Some(last)) => {
            joined = format!("{first} {last}");
            &joined
        }
        (None, Some(one), None) | (None, None, Some(one)) => one,
        (None, None, None) => return Ok(None),
    };
    parse_name(given)
        .map(Some)
        .map_err(|e| format!("The name cannot be used. {e}"))
}

/// A cell as a refusal quotes it: short enough to read.
fn shown(cell: &str) -> String {
    shorten(cell, 40)
}

/// A language cell: `en`/`fr` (a region after it, as in `fr-CA`, is fine) or the language's name
/// in English or French, in any case.
pub fn parse_language(cell: &str) -> Option<Language> {
    let text = cell.trim().to_lowercase();
    let code = text.split(['-', '_']).next().unwrap_or_default();
    match (text.as_str(), code) {
        (_, "en") | ("english" | "anglais", _) => Some(Language::En),
        (_, "fr") | ("french" | "français" | "francais", _) => Some(Language::Fr),
        _ => None,
    }
}

/// A send time: RFC 3339 with its offset (or `Z`), or without an offset in UTC as
/// `YYYY-MM-DD HH:MM[:SS]`, `YYYY-MM-DDTHH:MM[:SS]` or `YYYY-MM-DD` (midnight UTC).
pub fn parse_send_time(cell: &str) -> Option<DateTime<Utc>> {
    let text = cell.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(text, format) {
            return Some(at.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
}

/// An S3 object's `send-at` metadata: `now`, `start` (the contract's start), or a time as a
/// send-at cell writes it.
pub fn parse_send_at_metadata(text: &str) -> Option<SendAt> {
    match text.trim().to_lowercase().as_str() {
        "now" => Some(SendAt::Now),
        "start" | "contract_start" | "contract-start" => Some(SendAt::ContractStart),
        other => parse_send_time(other).map(SendAt::At),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use invitations_core::domain::Schedule;

    fn contract() -> Contract {
        testkit::contract("c1")
            .voucher(&["a1"])
            .starts_at(Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap())
            .ends_at(Utc.with_ymd_and_hms(2027, 6, 30, 0, 0, 0).unwrap())
            .build()
    }

    #[test]
    fn languages_are_codes_or_names_in_english_or_french() {
        for en in ["en", "EN", "en-GB", "English", "anglais", " en_US "] {
            assert_eq!(parse_language(en), Some(Language::En), "{en}");
        }
        for fr in ["fr", "fr-CA", "French", "Français", "FRANCAIS"] {
            assert_eq!(parse_language(fr), Some(Language::Fr), "{fr}");
        }
        for other in ["de", "Deutsch", "e", "english please"] {
            assert_eq!(parse_language(other), None, "{other}");
        }
    }

    #[test]
    fn send_times_without_an_offset_are_utc() {
        let nine = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
        for text in [
            "2027-03-01 09:00",
            "2027-03-01T09:00",
            "2027-03-01T09:00:00",
            "2027-03-01T09:00:00Z",
            "2027-03-01T10:00:00+01:00",
        ] {
            assert_eq!(parse_send_time(text), Some(nine), "{text}");
        }
        assert_eq!(
            parse_send_time("2027-03-01"),
            Some(Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap())
        );
        for bad in ["01/03/2027", "tomorrow", "2027-13-01", ""] {
            assert_eq!(parse_send_time(bad), None, "{bad}");
        }
        assert_eq!(parse_send_at_metadata("Start"), Some(SendAt::ContractStart));
        assert_eq!(parse_send_at_metadata("now"), Some(SendAt::Now));
        assert_eq!(
            parse_send_at_metadata("2027-03-01 09:00"),
            Some(SendAt::At(nine))
        );
    }

    #[test]
    fn a_rows_cells_override_the_defaults_and_bad_cells_refuse_it() {
        let c = contract();
        let now = Utc.with_ymd_and_hms(2027, 2, 1, 0, 0, 0).unwrap();
        let defaults = Defaults {
            options: InviteOptions {
                schedule: Some(Schedule::ContractStart),
                group: Some(Group::parse("Spring").unwrap()),
                language: None,
            },
            contract: &c,
            now,
        };
        assert_eq!(defaults.plain().options, defaults.options);
        let row = Details {
            first_name: Some("Rene\u{301}e".into()),
            last_name: Some("Lee".into()),
            language: Some("fr".into()),
            send_at: Some("2027-03-01".into()),
            ..Details::default()
        };
        let person = defaults.person(&row).unwrap();
        assert_eq!(person.name.as_deref(), Some("Ren\u{e9}e Lee"));
        assert_eq!(person.options.language, Some(Language::Fr));
        assert_eq!(person.options.group, defaults.options.group);
        assert_eq!(
            person.options.schedule,
            Some(Schedule::At(
                Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap()
            ))
        );
        // A time already past: at once.
        let past = Details {
            send_at: Some("2026-01-01".into()),
            ..Details::default()
        };
        assert_eq!(defaults.person(&past).unwrap().options.schedule, None);
        let refused = |d: Details| defaults.person(&d).unwrap_err();
        assert!(refused(Details {
            language: Some("de".into()),
            ..Details::default()
        })
        .starts_with("The language \"de\" is not"));
        assert!(refused(Details {
            group: Some("x".repeat(61)),
            ..Details::default()
        })
        .ends_with("A group name is at most 60 characters."));
        assert!(refused(Details {
            send_at: Some("2027-07-01".into()),
            ..Details::default()
        })
        .contains("after the learning contract ends"));
        assert!(refused(Details {
            send_at: Some("soon".into()),
            ..Details::default()
        })
        .starts_with("The send time \"soon\""));
        assert!(refused(Details {
            name: Some("Ann\u{202E}".into()),
            ..Details::default()
        })
        .starts_with("The name cannot be used."));
    }
}
