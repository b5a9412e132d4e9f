//! What the tab's buttons do beyond changing its state: search the directory, invite the people
//! picked or the addresses pasted, import (or check) a CSV file, invite the people a check found.

use super::*;

/// Searches the directory (a system administrator's empty search lists everyone).
pub(super) fn search_directory(
    ctx: &AppContext,
    dispatch: &Callback<AddAction>,
) -> Callback<String> {
    let (ctx, dispatch) = (ctx.clone(), dispatch.clone());
    Callback::from(move |q: String| {
        let dispatch = dispatch.clone();
        dispatch.emit(AddAction::Searching);
        ctx.call(
            move |api| async move { api.users(&q).await },
            move |result| dispatch.emit(AddAction::Found(result)),
        );
    })
}

/// "All activities" ticked (every one) or unticked (none).
pub(super) fn all_activities(
    contract: &Contract,
    dispatch: &Callback<AddAction>,
) -> Callback<bool> {
    let all: Vec<String> = contract.activities.iter().map(|a| a.id.clone()).collect();
    dispatch.reform(move |on: bool| {
        AddAction::ChooseActivities(if on { all.clone() } else { Vec::new() })
    })
}

/// Add Users: invites the people picked from the directory or the addresses pasted, or imports
/// the CSV file (only checks it, when asked to check first), for the activities chosen.
pub(super) fn add_users(
    ctx: &AppContext,
    contract: &Contract,
    state: &AddState,
    dispatch: &Callback<AddAction>,
    alive: &Rc<Cell<bool>>,
) -> Callback<()> {
    match state.method {
        Method::Directory => {
            let people = api::AddInvitations {
                user_ids: state.selected.iter().map(|u| u.id.clone()).collect(),
                ..Default::default()
            };
            invite_people(ctx, &contract.id, state.request(contract, people), dispatch)
        }
        // The way the directory's people go: each address's outcome comes back per person.
        Method::Paste => {
            let people = api::AddInvitations {
                emails: state.pasted_addresses(),
                ..Default::default()
            };
            invite_people(ctx, &contract.id, state.request(contract, people), dispatch)
        }
        Method::Csv => {
            let mode = if state.check_first {
                ImportMode::Check
            } else {
                ImportMode::Invite
            };
            let import = state.new_import(contract, mode);
            let progress = report_progress(dispatch);
            let (ctx, id, file) = (ctx.clone(), contract.id.clone(), state.file.clone());
            let alive = alive.clone();
            Callback::from(move |_| {
                if let Some(f) = file.clone() {
                    let (ctx, id, progress) = (ctx.clone(), id.clone(), progress.clone());
                    start_import(ctx, id, f, import.clone(), progress, alive.clone());
                }
            })
        }
    }
}

fn invite_people(
    ctx: &AppContext,
    contract_id: &str,
    people: api::AddInvitations,
    dispatch: &Callback<AddAction>,
) -> Callback<()> {
    let (ctx, id, dispatch) = (ctx.clone(), contract_id.to_owned(), dispatch.clone());
    Callback::from(move |_| {
        let (id, people, dispatch) = (id.clone(), people.clone(), dispatch.clone());
        dispatch.emit(AddAction::Inviting);
        ctx.call(
            move |api| async move { api.invite(&id, &people).await },
            move |result| dispatch.emit(AddAction::Invited(result)),
        );
    })
}

/// "Invite these N" on a finished check: takes the check's id.
pub(super) fn invite_checked_people(
    ctx: &AppContext,
    contract_id: &str,
    dispatch: &Callback<AddAction>,
    alive: &Rc<Cell<bool>>,
) -> Callback<String> {
    let (ctx, id, alive) = (ctx.clone(), contract_id.to_owned(), alive.clone());
    let progress = report_progress(dispatch);
    Callback::from(move |check_id: String| {
        invite_checked(
            ctx.clone(),
            id.clone(),
            check_id,
            progress.clone(),
            alive.clone(),
        )
    })
}

/// Where the CSV's upload, import or check stands, into the tab's state.
fn report_progress(dispatch: &Callback<AddAction>) -> Callback<CsvProgress> {
    dispatch.reform(|progress| AddAction::Progress(Box::new(progress)))
}
