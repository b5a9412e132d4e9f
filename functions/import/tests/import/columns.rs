//! Issue 31: files whose header names their columns (names, language, group, send time), the
//! import's defaults from the object's metadata, and files without a header as before.

use crate::helpers::*;
use chrono::{Duration, TimeZone, Utc};
use invitations_core::domain::import::{ColumnKind, ImportColumn};
use invitations_core::domain::*;
use invitations_core::ports::*;

fn column(column: u32, header: &str, read_as: ColumnKind) -> ImportColumn {
    ImportColumn {
        column,
        header: Some(header.into()),
        read_as,
    }
}

fn group(name: &str) -> Option<Group> {
    Some(Group::parse(name).unwrap())
}

/// Each person gets their own name, language, group and send time; empty cells take the
/// import's defaults (here a group from the metadata); a bad language, group or send time
/// refuses its row alone, with its line and a sentence, and the good rows are invited.
#[tokio::test]
async fn a_headed_file_invites_each_person_with_their_own_name_language_group_and_time() {
    let w = World::new().await;
    let e = |local: &str| w.env.email(local);
    let file = format!(
        "E-mail,Full name,First name,Last name,Language,Group,Send at,Phone,Notes\n\
         {},,Ann,Lee,fr,Spring,2026-03-10 08:00,123,x\n\
         {},Bob Stone,,,English,,,,\n\
         {},,Rene\u{301}e,,,,2026-03-01T10:00:00+01:00,,\n\
         {},,Dee,,de,,,,\n\
         {},,Eve,,,{},,,\n\
         {},,Fay,,,,2026-12-01,,\n\
         {},,Gus,,,,next week,,\n\
         {},,Dee,,FR,,,,\n",
        e("ann"),
        e("bob"),
        e("cy"),
        e("dee"),
        e("eve"),
        "x".repeat(61),
        e("fay"),
        e("gus"),
        e("dee"),
    );
    let import = w
        .drop_file(
            "imports/V1/people.csv",
            file.into_bytes(),
            &[("group", "Autumn")],
        )
        .await;
    assert_eq!(import.status, ImportStatus::Done, "{import:?}");
    assert_eq!(
        import.columns,
        [
            column(1, "E-mail", ColumnKind::Email),
            column(2, "Full name", ColumnKind::Name),
            column(3, "First name", ColumnKind::FirstName),
            column(4, "Last name", ColumnKind::LastName),
            column(5, "Language", ColumnKind::Language),
            column(6, "Group", ColumnKind::Group),
            column(7, "Send at", ColumnKind::SendAt),
        ]
    );
    assert_eq!(import.ignored_columns, ["Phone", "Notes"], "reported once");
    assert_eq!(
        (import.counts.invited, import.counts.invalid_value),
        (4, 4),
        "{:?}",
        import.counts
    );

    let found = w
        .invitations("V1", &[&e("ann"), &e("bob"), &e("cy"), &e("dee")])
        .await;
    let ann = &found[&e("ann")];
    let ten = Utc.with_ymd_and_hms(2026, 3, 10, 8, 0, 0).unwrap();
    assert_eq!(ann.name.as_deref(), Some("Ann Lee"));
    assert_eq!(
        ann.options,
        InviteOptions {
            schedule: Some(Schedule::At(ten)),
            group: group("Spring"),
            language: Some(Language::Fr),
        }
    );
    assert_eq!(ann.delivery, Delivery::Scheduled, "mailed on the 10th");
    let bob = &found[&e("bob")];
    assert_eq!(bob.name.as_deref(), Some("Bob Stone"));
    assert_eq!(
        (
            &bob.options.group,
            bob.options.language,
            bob.options.schedule
        ),
        (&group("Autumn"), Some(Language::En), None),
        "an empty group cell takes the import's"
    );
    assert_ne!(bob.delivery, Delivery::Scheduled);
    let cy = &found[&e("cy")];
    assert_eq!(cy.name.as_deref(), Some("Ren\u{e9}e"), "in NFC");
    assert_eq!(cy.options.schedule, None, "a time already past: at once");
    assert_eq!(cy.options.language, None, "the contract's language");
    let dee = &found[&e("dee")];
    assert_eq!(
        (dee.options.language, &dee.source),
        (
            Some(Language::Fr),
            &Source::Import {
                import_id: import.id.clone(),
                line: 9
            }
        ),
        "a refused row does not take its address"
    );
    assert!(w
        .invitations("V1", &[&e("eve"), &e("fay"), &e("gus")])
        .await
        .is_empty());

    let bad: Vec<(u64, &str)> = import
        .first_bad_rows
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(bad.len(), 4, "{bad:?}");
    assert_eq!(bad[0].0, 5);
    assert!(
        bad[0].1.starts_with("The language \"de\" is not"),
        "{bad:?}"
    );
    assert_eq!(bad[1].0, 6);
    assert!(bad[1].1.ends_with("A group name is at most 60 characters."));
    assert_eq!(bad[2].0, 7);
    assert!(bad[2].1.contains("after the learning contract ends"));
    assert_eq!(bad[3].0, 8);
    assert!(bad[3].1.starts_with("The send time \"next week\""));
    let report = w.report(&import).await;
    assert!(
        report.contains(&format!("5,{},invalid_value,", e("dee"))),
        "{report}"
    );
    assert!(report.contains(&format!("9,{},invited,", e("dee"))));
}

/// The variety of real files still reads with a header: a byte order mark, semicolons, quoted
/// cells and CRLF (Excel's "CSV UTF-8"), French header words; Windows-1252 too.
#[tokio::test]
async fn a_semicolon_file_with_a_bom_quotes_and_french_headers_reads_its_columns() {
    let w = World::new().await;
    let file = format!(
        "\u{feff}\"Courriel\";\"Prénom\";\"Nom\";\"Groupe\";\"Langue\"\r\n\
         \"{}\";\"Ann\";\"Lee; Jr\";\"Lyon B\";\"Français\"\r\n",
        w.env.email("ann")
    );
    let import = w
        .drop_file("imports/V1/excel.csv", file.into_bytes(), &[])
        .await;
    assert_eq!(
        import.columns,
        [
            column(1, "Courriel", ColumnKind::Email),
            column(2, "Prénom", ColumnKind::FirstName),
            column(3, "Nom", ColumnKind::LastName),
            column(4, "Groupe", ColumnKind::Group),
            column(5, "Langue", ColumnKind::Language),
        ]
    );
    let ann = &w.invitations("V1", &[&w.env.email("ann")]).await[&w.env.email("ann")];
    assert_eq!(ann.name.as_deref(), Some("Ann Lee; Jr"));
    assert_eq!(
        (&ann.options.group, ann.options.language),
        (&group("Lyon B"), Some(Language::Fr))
    );

    // The same in Windows-1252, as Excel's plain "CSV" writes it in Western locales.
    let latin = format!(
        "Adresse;Pr\u{e9}nom;Cohorte\r\n{};Ren\u{e9}e;Q3\r\n",
        w.env.email("renee")
    );
    let bytes: Vec<u8> = latin.chars().map(|c| c as u32 as u8).collect();
    let import = w.drop_file("imports/V1/latin.csv", bytes, &[]).await;
    assert_eq!(
        import.columns[1],
        column(2, "Prénom", ColumnKind::FirstName)
    );
    let renee = &w.invitations("V1", &[&w.env.email("renee")]).await[&w.env.email("renee")];
    assert_eq!(renee.name.as_deref(), Some("Ren\u{e9}e"));
    assert_eq!(renee.options.group, group("Q3"));
}

/// A file of addresses alone, as before issue 31: every row invited at once with no name,
/// group or language of its own; the import says which column held the addresses.
#[tokio::test]
async fn a_headerless_file_still_invites_everyone() {
    let w = World::new().await;
    let file = format!(
        "Ann Lee,{}\nBob,{}\n",
        w.env.email("ann"),
        w.env.email("bob")
    );
    let import = w
        .drop_file("imports/V1/plain.csv", file.into_bytes(), &[])
        .await;
    assert_eq!(import.counts.invited, 2);
    assert_eq!(
        import.columns,
        [ImportColumn {
            column: 2,
            header: None,
            read_as: ColumnKind::Email
        }]
    );
    assert!(import.ignored_columns.is_empty());
    for inv in w
        .invitations("V1", &[&w.env.email("ann"), &w.env.email("bob")])
        .await
        .values()
    {
        assert_eq!(
            (&inv.name, &inv.options),
            (&None, &InviteOptions::default())
        );
        assert_ne!(inv.delivery, Delivery::Scheduled);
    }
}

/// A contract that has not started mails its invitations at its start unless the file says
/// otherwise (`send-at: now`); a send time the contract cannot take fails the import in words.
#[tokio::test]
async fn a_future_contracts_import_is_scheduled_at_its_start_by_default() {
    let w = World::new().await;
    let future = testkit::contract("F1")
        .voucher(&["a1"])
        .starts_at(t0() + Duration::days(10))
        .ends_at(t0() + Duration::days(60))
        .build();
    w.env.store.put_contract(&future).await.unwrap();
    let (later, now) = (w.env.email("later"), w.env.email("now"));
    let import = w
        .drop_file("imports/F1/a.csv", format!("{later}\n").into_bytes(), &[])
        .await;
    assert_eq!(import.status, ImportStatus::Done, "{import:?}");
    assert_eq!(import.send_at, None, "the default, resolved when it ran");
    w.drop_file(
        "imports/F1/b.csv",
        format!("{now}\n").into_bytes(),
        &[("send-at", "now")],
    )
    .await;
    let found = w.invitations("F1", &[&later, &now]).await;
    assert_eq!(
        (found[&later].options.schedule, &found[&later].delivery),
        (Some(Schedule::ContractStart), &Delivery::Scheduled)
    );
    assert_eq!(found[&now].options.schedule, None);
    assert_ne!(found[&now].delivery, Delivery::Scheduled);

    let late = w
        .drop_file(
            "imports/F1/c.csv",
            format!("{}\n", w.env.email("x")).into_bytes(),
            &[("send-at", "2027-01-01T00:00:00Z")],
        )
        .await;
    let ImportStatus::Failed { reason } = &late.status else {
        panic!("{late:?}")
    };
    assert!(
        reason.contains("after the learning contract ends"),
        "{reason}"
    );
    let odd = w
        .drop_file(
            "imports/F1/d.csv",
            format!("{}\n", w.env.email("y")).into_bytes(),
            &[("send-at", "soon")],
        )
        .await;
    assert_eq!(
        odd.status,
        ImportStatus::Failed {
            reason: "The file's send-at metadata is \"soon\", but it must be \"now\", \"start\" \
                     (the contract's start) or a date and time such as 2027-03-01T09:00:00Z."
                .into()
        }
    );
}

/// The check before sending shows the columns it understood and the rows it would refuse, and
/// writes nothing.
#[tokio::test]
async fn a_check_reports_the_columns_it_understood() {
    let w = World::new().await;
    let file = format!(
        "Email address,Given name,Surname,Cohort,send_at,Department\n\
         {},Ann,Lee,Spring,,Sales\n\
         {},Bob,Stone,,2026-13-01,IT\n",
        w.env.email("ann"),
        w.env.email("bob")
    );
    let check = w
        .drop_file(
            "imports/V1/check.csv",
            file.into_bytes(),
            &[("mode", "check")],
        )
        .await;
    assert_eq!(
        (check.mode, &check.status),
        (ImportMode::Check, &ImportStatus::Done)
    );
    let read: Vec<ColumnKind> = check.columns.iter().map(|c| c.read_as).collect();
    assert_eq!(
        read,
        [
            ColumnKind::Email,
            ColumnKind::FirstName,
            ColumnKind::LastName,
            ColumnKind::Group,
            ColumnKind::SendAt
        ]
    );
    assert_eq!(check.ignored_columns, ["Department"]);
    assert_eq!((check.counts.invited, check.counts.invalid_value), (1, 1));
    assert_eq!(check.first_bad_rows[0].line, 3);
    assert!(w.invitations("V1", &[&w.env.email("ann")]).await.is_empty());
}
