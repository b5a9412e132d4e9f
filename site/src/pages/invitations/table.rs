//! The list: its pages, its table and each invitation's row with the actions the API allows.
//! Plain functions, not components: the page renders them again whenever its state changes, and
//! components would only add to what every visitor downloads.

use super::*;

/// What the rows' controls call: a row's action, Correct address's save (invitation id, new
/// address), a page of a row's history (invitation id, cursor of older entries), and the tab's
/// reducer.
#[derive(Clone, Default, PartialEq)]
pub struct RowCalls {
    pub on_action: Callback<(String, RowAction)>,
    pub on_correct: Callback<(String, String)>,
    pub on_history: Callback<(String, Option<String>)>,
    pub dispatch: Callback<InvitationsAction>,
}

/// The current page of invitations with paging, or why there is none.
pub fn invitations_view(s: &InvitationsState, calls: &RowCalls) -> Html {
    let list = match &s.page {
        None => return html! { <p role="status">{"Loading the invitations…"}</p> },
        Some(Err(e)) => {
            return html! { <ErrorMessage error={e.clone()} context="Could not load the invitations" /> }
        }
        Some(Ok(list)) => list,
    };
    let counts = list.counts;
    let summary = format!(
        "{} pending, {} enrolled, {} revoked in this contract",
        format::count(counts.pending),
        format::count(counts.enrolled),
        format::count(counts.revoked)
    );
    let pager = {
        let previous = calls
            .dispatch
            .reform(|_: MouseEvent| InvitationsAction::PreviousPage);
        let next = calls
            .dispatch
            .reform(|_: MouseEvent| InvitationsAction::NextPage);
        html! {
            <nav class="pager" aria-label="Pages">
                <button type="button" id="previous-page" disabled={s.page_number() < 2} onclick={previous}>{"Previous page"}</button>
                <span>{format!("Page {}", s.page_number())}</span>
                <button type="button" id="next-page" disabled={list.next_cursor.is_none()} onclick={next}>{"Next page"}</button>
            </nav>
        }
    };
    html! {
        <section aria-label="Invitations">
            <p class="hint" id="invitation-counts">{summary}</p>
            if list.invitations.is_empty() {
                <p class="empty" role="status">{"No invitations match."}</p>
            } else {
                {invitation_table(&list.invitations, s, calls)}
            }
            {pager}
        </section>
    }
}

/// These invitations' rows, each with its action's state, selection and history from `s`.
pub fn invitation_table(
    invitations: &[Invitation],
    s: &InvitationsState,
    calls: &RowCalls,
) -> Html {
    let all_selected =
        !invitations.is_empty() && invitations.iter().all(|i| s.selected.contains_key(&i.id));
    let select_page = calls.dispatch.reform(|e: Event| {
        let on = e
            .target_dyn_into::<HtmlInputElement>()
            .is_some_and(|i| i.checked());
        InvitationsAction::SelectPage(on)
    });
    html! {
        <table class="cards invitations">
            <thead>
                <tr>
                    <th scope="col" class="select">
                        <input type="checkbox" id="select-page" checked={all_selected} onchange={select_page}
                            aria-label="Select every invitation on this page" />
                    </th>
                    {email_header(s, calls)}
                    <th scope="col">{"Name"}</th>
                    <th scope="col">{"Status"}</th>
                    <th scope="col">{"Activities"}</th>
                    <th scope="col">{"Invited"}</th>
                    <th scope="col">{"Delivery"}</th>
                    <th scope="col">{"Last sent"}</th>
                    <th scope="col">{"Actions"}</th>
                </tr>
            </thead>
            <tbody>
                { for invitations.iter().map(|invitation| invitation_row(&Row {
                    invitation,
                    state: s.rows.get(&invitation.id),
                    selected: s.selected.contains_key(&invitation.id),
                    history: s.histories.get(&invitation.id),
                    calls,
                })) }
            </tbody>
        </table>
    }
}

/// The Email column's header: the list's order (WAI-ARIA's sortable table: `aria-sort` on the
/// header, a button in it). Addresses are the key the API reads the list in, so the order holds
/// over every page, not only this one; the other columns have no order the API can keep.
fn email_header(s: &InvitationsState, calls: &RowCalls) -> Html {
    let descending = s.search.descending;
    let onclick = {
        let search = s.search.clone();
        calls.dispatch.reform(move |_: MouseEvent| {
            let sorted = Search {
                descending: !descending,
                ..search.clone()
            };
            // The page's address keeps the order (a reload, a shared link).
            search::show_in_url(&sorted);
            InvitationsAction::Search(sorted)
        })
    };
    let (sort, arrow, next) = match descending {
        false => ("ascending", "▲", "Z to A"),
        true => ("descending", "▼", "A to Z"),
    };
    html! {
        <th scope="col" aria-sort={sort} class="sorted">
            <button type="button" id="sort-email" class="sort" {onclick}
                aria-describedby="sort-email-next">
                {"Email"}<span aria-hidden="true" class="arrow">{arrow}</span>
            </button>
            <span id="sort-email-next" class="visually-hidden">{format!("Press to sort {next}.")}</span>
        </th>
    }
}

/// One row as it is drawn: the invitation, its action's state, whether it is selected, its
/// history when open.
struct Row<'a> {
    invitation: &'a Invitation,
    state: Option<&'a RowState>,
    selected: bool,
    history: Option<&'a HistoryPanel>,
    calls: &'a RowCalls,
}

fn invitation_row(row: &Row) -> Html {
    let inv = row.invitation;
    let id = inv.id.clone();
    let activities = inv
        .activities
        .iter()
        .map(|a| a.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let select = {
        let id = id.clone();
        row.calls.dispatch.reform(move |e: Event| {
            let on = e
                .target_dyn_into::<HtmlInputElement>()
                .is_some_and(|i| i.checked());
            InvitationsAction::Select(id.clone(), on)
        })
    };
    // Who invited, by name (issue 28): never an id.
    let inviter = match (&inv.invited_by_name, &inv.import_id) {
        (Some(name), _) => name.as_str(),
        (None, Some(_)) => "A CSV file",
        (None, None) => "Someone no longer in the directory",
    };
    let invited = format!("{inviter} · {}", format::date_time(&inv.invited_at));
    html! {
        <>
        <tr id={format!("invitation-{id}")}>
            <td data-label="Select" class="select">
                <input type="checkbox" id={format!("select-{id}")} checked={row.selected} onchange={select}
                    aria-label={format!("Select {}", inv.email)} />
            </td>
            <td data-label="Email" class="email">{inv.email.clone()}</td>
            <td data-label="Name">{inv.name.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label="Status">
                <StatusBadge status={inv.status} />
                if let Some(group) = &inv.group {
                    <span class="group">{"Group: "}{group.clone()}</span>
                }
            </td>
            <td data-label="Activities">{if activities.is_empty() { "All".to_owned() } else { activities }}</td>
            <td data-label="Invited">{invited}</td>
            <td data-label="Delivery" class={classes!("delivery", format!("{:?}", inv.delivery.state).to_lowercase())}>{delivery_text(&inv.delivery, inv.schedule.as_ref())}</td>
            <td data-label="Last sent">{inv.last_sent_at.as_deref().map(format::date_time).unwrap_or_else(|| "Not yet".into())}</td>
            <td data-label="Actions" class="actions">{history_button(row)}{row_actions(row)}{row_outcome(row)}</td>
        </tr>
        if let Some(panel) = row.history {
            <tr class="history" id={history_panel_id(&id)}>
                <td colspan="9">
                    <HistoryView id={id.clone()} email={inv.email.clone()} panel={panel.clone()}
                        on_more={row.calls.on_history.clone()} />
                </td>
            </tr>
        }
        </>
    }
}

fn history_panel_id(invitation_id: &str) -> String {
    format!("history-panel-{invitation_id}")
}

/// Opens or closes the invitation's history under its row. Shown in every state of the row:
/// the history is there whatever is being done.
fn history_button(row: &Row) -> Html {
    let inv = row.invitation;
    let id = inv.id.clone();
    let open = row.history.is_some();
    let onclick = {
        let (id, on_history, dispatch) = (
            id.clone(),
            row.calls.on_history.clone(),
            row.calls.dispatch.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            if open {
                dispatch.emit(InvitationsAction::CloseHistory(id.clone()));
            } else {
                on_history.emit((id.clone(), None));
            }
        })
    };
    html! {
        <button type="button" id={format!("history-{id}")} {onclick}
            aria-expanded={if open { "true" } else { "false" }}
            aria-controls={open.then(|| history_panel_id(&id))}
            aria-label={format!("History of the invitation to {}", inv.email)}>
            {"History"}
        </button>
    }
}

/// The row's actions: a question to confirm, the Correct address form, or the buttons.
fn row_actions(row: &Row) -> Html {
    match row.state {
        Some(RowState::ConfirmRevoke) => confirm_revoke(row),
        Some(RowState::ConfirmClearBlock) => confirm_clear_block(row),
        Some(RowState::Correcting {
            email,
            working,
            refusal,
        }) => {
            let (on_correct, id) = (row.calls.on_correct.clone(), row.invitation.id.clone());
            let on_save = Callback::from(move |email: String| on_correct.emit((id.clone(), email)));
            html! {
                <CorrectAddressForm id={row.invitation.id.clone()} old={row.invitation.email.clone()}
                    value={email.clone()} working={*working} refusal={refusal.clone()} {on_save}
                    on_cancel={close_question(row)} />
            }
        }
        _ => row_buttons(row),
    }
}

/// Runs `action` on the row's invitation (once the admin has said yes).
fn act(row: &Row, action: RowAction) -> Callback<()> {
    let (on_action, id) = (row.calls.on_action.clone(), row.invitation.id.clone());
    Callback::from(move |_: ()| on_action.emit((id.clone(), action)))
}

/// Closes the row's question or form.
fn close_question(row: &Row) -> Callback<()> {
    let id = row.invitation.id.clone();
    row.calls
        .dispatch
        .reform(move |_: ()| InvitationsAction::Cancel(id.clone()))
}

fn confirm_revoke(row: &Row) -> Html {
    let inv = row.invitation;
    let id = &inv.id;
    let confirm = act(row, RowAction::Revoke);
    let cancel = {
        let id = id.clone();
        row.calls
            .dispatch
            .reform(move |_: ()| InvitationsAction::CancelRevoke(id.clone()))
    };
    html! {
        <Confirm id={format!("confirm-{id}")} yes_id={format!("confirm-revoke-{id}")}
            cancel_id={format!("cancel-revoke-{id}")} yes_label="Yes, revoke" {confirm} {cancel}
            opener={format!("revoke-{id}")}
            question={format!("Revoke the invitation to {}? Their link will stop working.", inv.email)} />
    }
}

fn confirm_clear_block(row: &Row) -> Html {
    let inv = row.invitation;
    let id = &inv.id;
    let confirm = act(row, RowAction::ClearBlock);
    let cancel = close_question(row);
    html! {
        <Confirm id={format!("confirm-{id}")} yes_id={format!("confirm-clear-block-{id}")}
            cancel_id={format!("cancel-clear-block-{id}")} yes_label="Yes, clear the block" {confirm} {cancel}
            opener={format!("clear-block-{id}")}
            question={format!("Clear the block on {}? Mail to it bounced or was marked as spam; clear it only if the mailbox has been fixed.", inv.email)} />
    }
}

/// What the row's last action did. Focus moves to it: the question or form that had it is gone.
/// A refusal that names a wait ("try again in 40 s") counts it down under it.
fn row_outcome(row: &Row) -> Html {
    let id = format!("outcome-{}", row.invitation.id);
    match row.state {
        Some(RowState::Done(text)) => html! { <Outcome text={text.clone()} {id} /> },
        Some(RowState::Failed(text)) => match retry_after(text) {
            Some((why, seconds)) => html! {
                <>
                    <Outcome text={why.to_owned()} {id} failed=true />
                    <p class="outcome" id={format!("retry-{}", row.invitation.id)}>
                        <RetryCountdown key={text.as_str()} {seconds} />
                    </p>
                </>
            },
            None => html! { <Outcome text={text.clone()} {id} failed=true /> },
        },
        _ => html! {},
    }
}

/// The actions the API allows on an invitation at rest (`can_resend`, `can_correct_address`,
/// `can_clear_block`, `can_revoke`), each saying so while it is under way.
fn row_buttons(row: &Row) -> Html {
    let inv = row.invitation;
    let id = inv.id.clone();
    let working = matches!(row.state, Some(RowState::Working(_)));
    let label = |action: RowAction, idle: &'static str, busy: &'static str| {
        if row.state == Some(&RowState::Working(action)) {
            busy
        } else {
            idle
        }
    };
    // A scheduled mail's Resend sends it now (the same route).
    let (resend_action, resend_label, resend_busy, resend_aria) = match inv.delivery.state {
        DeliveryState::Scheduled => (
            RowAction::SendNow,
            "Send now",
            "Sending…",
            format!("Send now: the invitation to {}", inv.email),
        ),
        _ => (
            RowAction::Resend,
            "Resend",
            "Resending…",
            format!("Resend invitation to {}", inv.email),
        ),
    };
    let resend = {
        let (on_action, id) = (row.calls.on_action.clone(), id.clone());
        Callback::from(move |_: MouseEvent| on_action.emit((id.clone(), resend_action)))
    };
    let ask = |action: fn(String) -> InvitationsAction| {
        let id = id.clone();
        row.calls
            .dispatch
            .reform(move |_: MouseEvent| action(id.clone()))
    };
    let (ask_revoke, ask_clear_block) = (
        ask(InvitationsAction::AskRevoke),
        ask(InvitationsAction::AskClearBlock),
    );
    let open_correct = {
        let (id, email) = (id.clone(), inv.email.clone());
        row.calls
            .dispatch
            .reform(move |_: MouseEvent| InvitationsAction::OpenCorrect(id.clone(), email.clone()))
    };
    html! {
            <>
            if inv.can_resend {
                <button type="button" id={format!("resend-{id}")} disabled={working} onclick={resend}
                    aria-label={resend_aria}>
                    {label(resend_action, resend_label, resend_busy)}
                </button>
            }
            if inv.can_correct_address {
                <button type="button" id={format!("correct-address-{id}")} disabled={working} onclick={open_correct}
                    aria-label={format!("Correct address of {}", inv.email)}>
                    {"Correct address"}
                </button>
            }
            if inv.can_clear_block {
                <button type="button" id={format!("clear-block-{id}")} disabled={working} onclick={ask_clear_block}
                    aria-label={format!("Clear block on {}", inv.email)}>
                    {label(RowAction::ClearBlock, "Clear block", "Clearing…")}
                </button>
            }
            if inv.can_revoke {
                <button type="button" class="danger" id={format!("revoke-{id}")} disabled={working} onclick={ask_revoke}
                    aria-label={format!("Revoke invitation to {}", inv.email)}>
                    {label(RowAction::Revoke, "Revoke", "Revoking…")}
                </button>
            }
        </>
    }
}
