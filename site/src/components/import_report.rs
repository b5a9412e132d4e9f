//! One import: its status, counts, the first bad rows and the full report.

use crate::api::{Import, ImportColumnKind, ImportMode, ImportState, Stall};
use crate::format;
use yew::prelude::*;

pub fn state_text(import: &Import) -> String {
    match import.stalled {
        Some(Stall::UploadNeverArrived) => {
            return "Stalled: the file never arrived and its upload link has expired. \
                    Upload the file again."
                .into()
        }
        Some(Stall::NoProgress) => {
            return format!(
                "Stalled after {} rows: no progress since {}. Upload the file again to finish \
                 it; people it already invited are reported as already invited, not mailed again.",
                format::count(import.rows_read),
                format::date_time(&import.updated_at)
            );
        }
        None => {}
    }
    let doing = match import.mode {
        ImportMode::Check => "Checking",
        ImportMode::Invite => "Importing",
    };
    match (&import.status.state, &import.status.reason) {
        (ImportState::Queued, _) => "Waiting for the file".into(),
        // The first rows are counted when their first round is written: until then, say what
        // is happening rather than "0 rows read".
        (ImportState::Running, _) if import.rows_read == 0 => {
            format!("{doing}: reading the first rows of the file")
        }
        (ImportState::Running, _) if import.mode == ImportMode::Check => {
            format!("Checking: {} rows read", format::count(import.rows_read))
        }
        (ImportState::Running, _) => {
            format!("Importing: {} rows read", format::count(import.rows_read))
        }
        (ImportState::Done, _) if import.mode == ImportMode::Check => format!(
            "Checked: {} rows read; nothing was sent",
            format::count(import.rows_read)
        ),
        (ImportState::Done, _) => format!("Done: {} rows read", format::count(import.rows_read)),
        (ImportState::Failed, Some(reason)) if !reason.is_empty() => format!("Failed: {reason}"),
        (ImportState::Failed, _) => "Failed".into(),
    }
}

/// The columns the import read (issue 31), in words: "A, “E-mail”, as the address; C as the
/// group"; `None` before it has read any.
pub fn columns_read(import: &Import) -> Option<String> {
    let read: Vec<String> = import
        .columns
        .iter()
        .map(|c| {
            let letter = column_letters(c.column);
            let what = match c.read_as {
                ImportColumnKind::Email => "the address",
                ImportColumnKind::Name => "the name",
                ImportColumnKind::FirstName => "the first name",
                ImportColumnKind::LastName => "the last name",
                ImportColumnKind::Language => "the mail's language",
                ImportColumnKind::Group => "the group",
                ImportColumnKind::SendAt => "the time the mail goes",
            };
            match &c.header {
                Some(header) => format!("{letter}, “{header}”, as {what}"),
                None => format!("{letter} as {what}"),
            }
        })
        .collect();
    (!read.is_empty()).then(|| format!("Columns read: {}.", read.join("; ")))
}

/// A spreadsheet's name for a column: 1 is A, 27 is AA.
pub fn column_letters(mut n: u32) -> String {
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.insert(0, b'A' + (n % 26) as u8);
        n /= 26;
    }
    String::from_utf8(letters).unwrap_or_default()
}

/// The import's state, each count with its label, the columns read and not read, the first bad
/// rows and the full report's link.
pub fn import_report(import: &Import) -> Html {
    html! {
        <div class="import-report">
            <p role="status" class={classes!("import-state", format!("{:?}", import.status.state).to_lowercase())}>
                {state_text(import)}
            </p>
            <dl class="counts">
                { for import.counts.labelled(import.mode).into_iter().map(|(label, n)| html! {
                    <div><dt>{label}</dt><dd>{format::count(n)}</dd></div>
                }) }
            </dl>
            if let Some(read) = columns_read(import) {
                <p class="columns" id={format!("columns-{}", import.id)}>{read}</p>
            }
            if !import.ignored_columns.is_empty() {
                <p class="columns" id={format!("ignored-columns-{}", import.id)}>
                    {"Columns not read (their headers are not ones the import knows): "}
                    {import.ignored_columns.iter().map(|h| format!("“{h}”")).collect::<Vec<_>>().join(", ")}{"."}
                </p>
            }
            if !import.first_bad_rows.is_empty() {
                <table class="cards bad-rows">
                    <caption>{if import.mode == ImportMode::Check {
                        "Rows that would not be invited (the first ones; the full report lists all)"
                    } else {
                        "Rows not invited (the first ones; the full report lists all)"
                    }}</caption>
                    <thead><tr><th scope="col">{"Line"}</th><th scope="col">{"Value"}</th><th scope="col">{"Reason"}</th></tr></thead>
                    <tbody>
                        { for import.first_bad_rows.iter().map(|row| html! {
                            <tr>
                                <td data-label="Line">{row.line}</td>
                                <td data-label="Value">{row.value.clone()}</td>
                                <td data-label="Reason">{row.reason.clone()}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            if let (None, Some(who)) = (&import.created_by, &import.put_by) {
                <p class="put-by">{format!("Put into the imports bucket by {who}.")}</p>
            }
            if import.refused_uploads > 0 {
                <p class="notice" id={format!("refused-uploads-{}", import.id)}>
                    { if import.refused_uploads == 1 {
                        "A second file was uploaded for this import and refused: an upload takes one file. Start a new upload to import another file.".to_owned()
                    } else {
                        format!("{} more files were uploaded for this import and refused: an upload takes one file. Start a new upload to import another file.", import.refused_uploads)
                    } }
                </p>
            }
            if let Some(url) = &import.report_url {
                <p><a class="button" href={url.clone()} download="" id={format!("report-{}", import.id)}>
                    {"Download the full report"}
                </a></p>
            }
        </div>
    }
}
