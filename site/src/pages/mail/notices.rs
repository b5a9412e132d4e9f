//! "Your notifications for this contract" (issue 31): how the signed-in admin hears of its
//! enrolments (a mail each, a daily digest, none) and whether they get its seat alerts. Each
//! admin chooses for themselves.

use super::*;

/// The form, with the choice as read (and changed), Save, and what it did.
pub fn notices_form(
    s: &MailState,
    contract: &Contract,
    dispatch: &Callback<MailAction>,
    on_save: &Callback<NotificationSettings>,
) -> Html {
    let form = match &s.notices {
        None => html! { <p role="status">{"Loading your notifications…"}</p> },
        Some(Err(e)) => {
            html! { <ErrorMessage error={e.clone()} context="Could not load your notifications" /> }
        }
        Some(Ok(n)) => {
            let working = s.notices_save.working();
            let choice = |each: EnrolmentNotices| {
                let id = match each {
                    EnrolmentNotices::Each => "notices-each",
                    EnrolmentNotices::Daily => "notices-daily",
                    EnrolmentNotices::Off => "notices-off",
                };
                let seat_alerts = n.seat_alerts;
                let onchange = dispatch.reform(move |_: Event| {
                    MailAction::Notices(NotificationSettings {
                        enrolments: each,
                        seat_alerts,
                    })
                });
                html! {
                    <p class="choice">
                        <input type="radio" name="notices-enrolments" {id} checked={n.enrolments == each} {onchange} />
                        <label for={id}>{each.label()}</label>
                    </p>
                }
            };
            let enrolments = n.enrolments;
            let on_alerts = dispatch.reform(move |e: Event| {
                MailAction::Notices(NotificationSettings {
                    enrolments,
                    seat_alerts: e.target_unchecked_into::<HtmlInputElement>().checked(),
                })
            });
            let onsubmit = {
                let n = n.clone();
                on_save.reform(move |e: SubmitEvent| {
                    e.prevent_default();
                    n.clone()
                })
            };
            html! {
                <form id="notices-form" {onsubmit}>
                    <fieldset id="notices-enrolments">
                        <legend>{"When someone enrols"}</legend>
                        { for EnrolmentNotices::ALL.into_iter().map(choice) }
                    </fieldset>
                    <label class="check" for="seat-alerts">
                        <input type="checkbox" id="seat-alerts" checked={n.seat_alerts} onchange={on_alerts}
                            aria-describedby={contract.seat_limit.is_none().then_some("seat-alerts-hint")} />
                        {"Mail me when 90% of the seats are used and when none are left"}
                    </label>
                    if contract.seat_limit.is_none() {
                        <p class="hint" id="seat-alerts-hint">{"This contract has no seat limit: no such mail comes while it has none."}</p>
                    }
                    <button type="submit" id="notices-save" class="primary" disabled={working}>
                        {if working { "Saving…" } else { "Save my notifications" }}
                    </button>
                    {match &s.notices_save {
                        Request::Done(()) => html! {
                            <p class="outcome ok" role="status" id="notices-saved">{"Saved. Your mail about this contract follows these choices."}</p>
                        },
                        Request::Failed(e) => html! { <ErrorMessage error={e.clone()} context="Could not save your notifications" /> },
                        _ => html! {},
                    }}
                </form>
            }
        }
    };
    html! {
        <section aria-labelledby="notices-heading" class="notices">
            <h2 id="notices-heading">{"Your notifications for this contract"}</h2>
            <p class="hint">{"These mails go to you alone, at your own address; each admin chooses their own."}</p>
            {form}
        </section>
    }
}
