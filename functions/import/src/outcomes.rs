//! A round's rows to their outcomes: invited (or, for a check, classified against the table as
//! it is), each with its report line, and the bad ones among the first few the Imports page
//! shows.

use crate::person::{Defaults, Person};
use crate::round::{check_round, Checked};
use crate::rows::AddressRow;
use crate::run::{ImportFailure, Stop};
use crate::{report, App};
use invitations_core::do_not_invite;
use invitations_core::domain::import::{FIRST_BAD_ROWS, INVALID_VALUE, WITHHELD};
use invitations_core::domain::invitation::DO_NOT_INVITE;
use invitations_core::domain::*;
use invitations_core::ports::*;
use std::collections::HashMap;

/// What a round needs besides its rows.
pub struct RoundContext<'a> {
    pub app: &'a App,
    pub contract: &'a Contract,
    pub activities: &'a [ActivityId],
    /// What rows get when they leave a cell empty.
    pub defaults: &'a Defaults<'a>,
    /// For a chunk of a large import (issue 33): the rows that repeat an address of an earlier
    /// line anywhere in the file, with that line (the plan read the whole file).
    pub duplicates: Option<&'a HashMap<u64, u64>>,
}

/// A row's outcome in an import: what inviting did, or the row refused for a cell besides its
/// address (not an [`InviteOutcome`]: no invitation was tried).
enum RowOutcome {
    Invite(InviteOutcome),
    InvalidValue(String),
}

/// Each row checked: its address, its other cells (through the defaults), its duplicates.
fn checked<'r>(round: &'r [AddressRow], defaults: &Defaults<'_>) -> Vec<Checked<'r>> {
    check_round(round, |details| defaults.person(details))
}

/// Invites one round of rows and writes their report lines, in file order.
pub async fn invite_round(
    cx: &RoundContext<'_>,
    import: &mut Import,
    round: &[AddressRow],
    replay: bool,
    writer: &mut csv::Writer<Vec<u8>>,
) -> Result<(), Stop> {
    let (app, contract) = (cx.app, cx.contract);
    let mut outcomes: Vec<Option<RowOutcome>> = Vec::with_capacity(round.len());
    let mut invitees = Vec::new();
    let mut invitee_rows = Vec::new();
    let mut checked = checked(round, cx.defaults);
    if let Some(duplicates) = cx.duplicates {
        for (row, checked) in round.iter().zip(checked.iter_mut()) {
            if let Some(&first_line) = duplicates.get(&row.line) {
                *checked = Checked::Duplicate { first_line };
            }
        }
    }
    // Who asked not to be invited again is refused before anything is written (issue 32).
    let listed = do_not_invite::listed(&*app.store, &invitee_emails(&checked)).await?;
    for (i, (row, checked)) in round.iter().zip(checked).enumerate() {
        outcomes.push(match checked {
            Checked::Invalid(reason) => Some(RowOutcome::Invite(InviteOutcome::InvalidEmail {
                reason: reason.sentence("the address"),
            })),
            Checked::InvalidValue(reason) => Some(RowOutcome::InvalidValue(reason)),
            Checked::Duplicate { first_line } => {
                Some(RowOutcome::Invite(InviteOutcome::Duplicate {
                    first_line: Some(first_line),
                }))
            }
            Checked::Invitee(email, _) if listed.contains(email.identity()) => {
                Some(RowOutcome::Invite(InviteOutcome::DoNotInvite))
            }
            Checked::Invitee(email, person) => {
                let Person { name, options } = match person {
                    Some(person) => *person,
                    None => cx.defaults.plain(),
                };
                invitees.push(Invitee {
                    email: email.clone(),
                    user_id: None,
                    name,
                    source: Source::Import {
                        import_id: import.id.clone(),
                        line: row.line,
                    },
                    options,
                });
                invitee_rows.push(i);
                None
            }
        });
    }
    if replay {
        // The rows this import already wrote are its own, whatever happened to them since.
        let identities: Vec<&str> = invitees.iter().map(|i| i.email.identity()).collect();
        let written: HashMap<String, Invitation> = app
            .store
            .find_invitations_by_email(&contract.id, &identities)
            .await?
            .into_iter()
            .map(|inv| (inv.email.identity().to_owned(), inv))
            .collect();
        for (invitee, &row) in invitees.iter().zip(&invitee_rows) {
            outcomes[row] = written
                .get(invitee.email.identity())
                .and_then(|inv| import_replay(inv, &invitee.source))
                .map(RowOutcome::Invite);
        }
        // Only the rows still without an outcome are written.
        let mut replayed = invitee_rows.iter().map(|&row| outcomes[row].is_some());
        invitees.retain(|_| !replayed.next().unwrap_or(false));
        invitee_rows.retain(|&row| outcomes[row].is_none());
    }
    let created = app
        .store
        .create_invitations(NewInvitations {
            contract,
            activities: cx.activities,
            invited_by: import.created_by.as_ref().unwrap_or(&import_actor()),
            now: crate::now(app),
            invitees: &invitees,
        })
        .await
        .map_err(|e| match e {
            CreateError::ContractNotFound => {
                Stop::Failed(ImportFailure::ContractNotFound(contract.id.clone()))
            }
            CreateError::Store(e) => e.into(),
            // An import names no join link.
            CreateError::LinkRefused | CreateError::NoLongerWaiting => StoreError::Contended.into(),
        })?;
    for (row_index, outcome) in invitee_rows.into_iter().zip(created) {
        outcomes[row_index] = Some(RowOutcome::Invite(outcome));
    }
    take_back_listed(cx, round, &mut outcomes).await?;
    for (row, outcome) in round.iter().zip(outcomes) {
        match outcome.expect("every row has an outcome") {
            RowOutcome::Invite(outcome) => {
                import.counts.add(&outcome);
                let fine = outcome.is_new_invitation();
                report_row(
                    import,
                    writer,
                    row,
                    outcome.code(),
                    outcome.describe(),
                    fine,
                );
            }
            RowOutcome::InvalidValue(reason) => {
                import.counts.invalid_value += 1;
                report_row(import, writer, row, INVALID_VALUE, reason, false);
            }
        }
    }
    import.rows_read += round.len() as u64;
    Ok(())
}

/// The addresses of the rows to invite.
fn invitee_emails<'r>(checked: &[Checked<'r>]) -> Vec<&'r EmailAddress> {
    checked
        .iter()
        .filter_map(|c| match c {
            Checked::Invitee(email, _) => Some(*email),
            _ => None,
        })
        .collect()
}

/// The check after the round's write (see `invitations_core::do_not_invite`): the rows whose
/// person went onto the do-not-invite list while the round was written lose the invitation
/// just written (or, run again, written by the earlier run), and say so.
async fn take_back_listed(
    cx: &RoundContext<'_>,
    round: &[AddressRow],
    outcomes: &mut [Option<RowOutcome>],
) -> Result<(), Stop> {
    let written: Vec<(usize, &EmailAddress)> = round
        .iter()
        .zip(outcomes.iter())
        .enumerate()
        .filter_map(|(i, (row, outcome))| match (outcome, &row.email) {
            (Some(RowOutcome::Invite(o)), Ok(email)) if o.is_new_invitation() => Some((i, email)),
            _ => None,
        })
        .collect();
    let emails: Vec<&EmailAddress> = written.iter().map(|(_, e)| *e).collect();
    let store = &*cx.app.store;
    let now = crate::now(cx.app);
    let taken_back =
        do_not_invite::take_back_listed(store, store, &cx.contract.id, &emails, now).await?;
    for (i, email) in written {
        if taken_back.contains(email.identity()) {
            outcomes[i] = Some(RowOutcome::Invite(InviteOutcome::DoNotInvite));
        }
    }
    Ok(())
}

/// What a check keeps across rounds: the first line of every address (a check writes nothing,
/// so the table cannot catch a duplicate from an earlier round), and the seats left after the
/// rows that would be invited so far. Addresses are kept as 64-bit hashes with keys random per
/// run (issue 26): 16 bytes an address instead of the address itself, so a file at the upload
/// limit (~1.7 million addresses) needs tens of MB, not hundreds. Two different addresses of
/// one file would have to collide (about 1 in 10 million for a full file, not choosable by
/// whoever writes the file) for a row to be reported a duplicate wrongly.
pub struct Check {
    first_lines: HashMap<u64, u64>,
    keys: std::collections::hash_map::RandomState,
    seats_left: Option<u64>,
}

impl Check {
    pub fn new(contract: &Contract) -> Self {
        Check {
            first_lines: HashMap::new(),
            keys: Default::default(),
            seats_left: contract.seats_left(),
        }
    }

    fn key(&self, identity: &str) -> u64 {
        use std::hash::BuildHasher;
        self.keys.hash_one(identity)
    }
}

/// Classifies one round of a check against the table as it is, writing nothing but the
/// report lines, in file order.
pub async fn classify_round(
    cx: &RoundContext<'_>,
    import: &mut Import,
    round: &[AddressRow],
    check: &mut Check,
    writer: &mut csv::Writer<Vec<u8>>,
) -> Result<(), Stop> {
    let (app, contract) = (cx.app, cx.contract);
    let checked = checked(round, cx.defaults);
    let identities: Vec<&str> = checked
        .iter()
        .filter_map(|c| match c {
            Checked::Invitee(email, _) => Some(email.identity()),
            _ => None,
        })
        .collect();
    let existing: HashMap<String, Invitation> = app
        .store
        .find_invitations_by_email(&contract.id, &identities)
        .await?
        .into_iter()
        .map(|inv| (inv.email.identity().to_owned(), inv))
        .collect();
    let blocks: HashMap<String, AddressBlock> = app
        .store
        .address_blocks(&identities)
        .await?
        .into_iter()
        .map(|block| (block.identity.clone(), block))
        .collect();
    let listed = do_not_invite::listed(&*app.store, &invitee_emails(&checked)).await?;
    for (row, checked) in round.iter().zip(checked) {
        let outcome = match checked {
            Checked::Invalid(reason) => CheckOutcome::InvalidEmail {
                reason: reason.sentence("the address"),
            },
            Checked::InvalidValue(reason) => CheckOutcome::InvalidValue { reason },
            Checked::Duplicate { first_line } => CheckOutcome::Duplicate { first_line },
            Checked::Invitee(email, _) if listed.contains(email.identity()) => {
                CheckOutcome::DoNotInvite
            }
            Checked::Invitee(email, _) => {
                let identity = email.identity();
                let key = check.key(identity);
                match check.first_lines.get(&key) {
                    Some(&first_line) => CheckOutcome::Duplicate { first_line },
                    None => {
                        check.first_lines.insert(key, row.line);
                        let would = match decide_invite(existing.get(identity)) {
                            InviteDecision::Create => CheckOutcome::WouldInvite,
                            InviteDecision::Reinvite { .. } => CheckOutcome::WouldReinvite,
                            InviteDecision::AlreadyInvited => CheckOutcome::AlreadyInvited,
                            InviteDecision::AlreadyEnrolled => CheckOutcome::AlreadyEnrolled,
                        };
                        match (would.would_invite(), blocks.get(identity), check.seats_left) {
                            (true, Some(block), _) => CheckOutcome::AddressBlocked {
                                why: block.explain(),
                            },
                            (true, None, Some(0)) => CheckOutcome::OverSeatLimit,
                            (true, None, Some(left)) => {
                                check.seats_left = Some(left - 1);
                                would
                            }
                            _ => would,
                        }
                    }
                }
            }
        };
        import.counts.add_check(&outcome);
        let fine = outcome.would_invite();
        report_row(
            import,
            writer,
            row,
            outcome.code(),
            outcome.describe(),
            fine,
        );
    }
    import.rows_read += round.len() as u64;
    Ok(())
}

/// One row's line of the report, and (unless it went as asked: `fine`) one of the first bad
/// rows the Imports page shows; an invite and a check keep their report alike.
fn report_row(
    import: &mut Import,
    writer: &mut csv::Writer<Vec<u8>>,
    row: &AddressRow,
    code: &str,
    detail: String,
    fine: bool,
) {
    // An address on the do-not-invite list is kept nowhere, the report (a file in the bucket)
    // and the import's bad rows included (issue 32).
    let value = match code == DO_NOT_INVITE {
        true => WITHHELD,
        false => row.value(),
    };
    report::line(writer, row.line, value, code, &detail);
    if !fine && import.first_bad_rows.len() < FIRST_BAD_ROWS {
        import.first_bad_rows.push(BadRow {
            line: row.line,
            value: import::shorten(value, 80),
            reason: detail,
        });
    }
}

/// Files dropped straight into the bucket have no admin behind them in the request.
fn import_actor() -> UserId {
    UserId::parse("bucket-import").expect("a valid id")
}
