//! Act on many invitations at once: the ones selected on the page, everything the search and
//! status filter match, or (to revoke) a list of addresses. The API handles a page per request
//! and answers where to go on; this follows the continuation to the end, then shows what
//! happened, with every invitation that was not changed and why.

use crate::api::{BulkOutcome, BulkOutcomeKind, BulkRequest, BulkResult, InvitationFilter};
use crate::components::confirm::Confirm;
use crate::format;
use crate::AppContext;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkVerb {
    Resend,
    Extend,
    Revoke,
}

impl BulkVerb {
    /// The verb, as the confirm button says it ("Yes, revoke").
    pub fn word(self) -> &'static str {
        match self {
            Self::Resend => "resend",
            Self::Extend => "extend",
            Self::Revoke => "revoke",
        }
    }

    /// Its route in the API's table.
    pub fn route(self) -> &'static crate::api::routes::Route {
        use crate::api::routes;
        match self {
            Self::Resend => &routes::RESEND_MANY,
            Self::Extend => &routes::EXTEND_MANY,
            Self::Revoke => &routes::REVOKE_MANY,
        }
    }

    fn done_word(self) -> &'static str {
        match self {
            Self::Resend => "Sent again",
            Self::Extend => "Extended",
            Self::Revoke => "Revoked",
        }
    }

    /// While it runs: "Revoking… 120 handled so far."
    fn working_word(self) -> &'static str {
        match self {
            Self::Resend => "Sending again",
            Self::Extend => "Extending",
            Self::Revoke => "Revoking",
        }
    }

    /// Asked before it runs, saying what it does to these invitations.
    fn question(self, scope: &Scope) -> String {
        match self {
            Self::Resend => format!(
                "Send {} again, each with a new link? Old links stop working.",
                scope.words()
            ),
            Self::Extend => format!(
                "Make the links of {} last as long as a new invitation's? Nothing is mailed.",
                scope.words()
            ),
            Self::Revoke => format!(
                "Revoke {}? Their links stop working; students who have enrolled stay enrolled.",
                scope.words()
            ),
        }
    }
}

/// Which invitations a bulk action is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    Selected(Vec<String>),
    Filter(InvitationFilter),
    Emails(Vec<String>),
}

impl Scope {
    fn request(&self) -> BulkRequest {
        match self {
            Self::Selected(ids) => BulkRequest {
                ids: Some(ids.clone()),
                ..BulkRequest::default()
            },
            Self::Filter(filter) => BulkRequest {
                filter: Some(filter.clone()),
                ..BulkRequest::default()
            },
            Self::Emails(emails) => BulkRequest {
                emails: Some(emails.clone()),
                ..BulkRequest::default()
            },
        }
    }

    fn words(&self) -> String {
        match self {
            Self::Selected(ids) if ids.len() == 1 => "the selected invitation".into(),
            Self::Selected(ids) => format!(
                "the {} selected invitations",
                format::count(ids.len() as u64)
            ),
            Self::Filter(_) => "every invitation that matches the search and status".into(),
            Self::Emails(emails) => format!(
                "the invitations of {} addresses",
                format::count(emails.len() as u64)
            ),
        }
    }
}

/// Where a bulk action stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum BulkStage {
    #[default]
    Idle,
    Asking(BulkVerb, Scope),
    Working(BulkVerb, u32),
    Finished(BulkSummary),
}

/// The end of a bulk action: the counts, the invitations not changed, and a failure that
/// stopped it part way (what was done stays done; running it again is safe).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkSummary {
    pub verb: BulkVerb,
    pub done: u32,
    pub unchanged: u32,
    pub refused: u32,
    pub not_found: u32,
    pub not_an_address: u32,
    pub not_changed: Vec<BulkOutcome>,
    pub stopped: Option<String>,
}

impl BulkSummary {
    fn new(verb: BulkVerb) -> Self {
        Self {
            verb,
            done: 0,
            unchanged: 0,
            refused: 0,
            not_found: 0,
            not_an_address: 0,
            not_changed: Vec::new(),
            stopped: None,
        }
    }

    /// Adds a page's answer: its counts, and the invitations it did not change.
    fn add(&mut self, page: BulkResult) {
        self.done += page.done;
        self.unchanged += page.unchanged;
        self.refused += page.refused;
        self.not_found += page.not_found;
        self.not_an_address += page.not_an_address;
        self.not_changed
            .extend(page.results.into_iter().filter(|r| {
                matches!(
                    r.outcome,
                    BulkOutcomeKind::Refused
                        | BulkOutcomeKind::NotFound
                        | BulkOutcomeKind::NotAnAddress
                )
            }));
    }

    /// Every invitation an answer has accounted for so far.
    fn handled(&self) -> u32 {
        self.done + self.unchanged + self.refused + self.not_found + self.not_an_address
    }

    pub fn text(&self) -> String {
        let mut parts = vec![format!("{}: {}", self.verb.done_word(), self.done)];
        if self.unchanged > 0 {
            parts.push(format!("nothing to do for {}", self.unchanged));
        }
        if self.refused > 0 {
            parts.push(format!("refused for {}", self.refused));
        }
        if self.not_found > 0 {
            parts.push(format!("not found: {}", self.not_found));
        }
        if self.not_an_address > 0 {
            parts.push(format!("not an address: {}", self.not_an_address));
        }
        parts.join("; ") + "."
    }
}

#[derive(Properties, PartialEq)]
pub struct BulkActionsProps {
    pub contract_id: String,
    /// The invitations selected on the page.
    pub selected: Vec<String>,
    /// The list's current search and status.
    pub filter: InvitationFilter,
    /// After an action: the list reloads (and the selection clears).
    pub on_finished: Callback<()>,
}

#[component]
pub fn BulkActions(props: &BulkActionsProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let stage = use_state(BulkStage::default);
    let emails = use_node_ref();
    let ask = |verb: BulkVerb, scope: Scope| {
        let stage = stage.clone();
        Callback::from(move |_: MouseEvent| stage.set(BulkStage::Asking(verb, scope.clone())))
    };
    let scope = if props.selected.is_empty() {
        Scope::Filter(props.filter.clone())
    } else {
        Scope::Selected(props.selected.clone())
    };
    let run = run_on_confirm(&ctx, &stage, props);
    let revoke_by_email = {
        let (stage, emails) = (stage.clone(), emails.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = emails.cast::<HtmlTextAreaElement>().map(|t| t.value());
            let list = addresses_in(&text.unwrap_or_default());
            if !list.is_empty() {
                stage.set(BulkStage::Asking(BulkVerb::Revoke, Scope::Emails(list)));
            }
        })
    };
    let busy = matches!(*stage, BulkStage::Working(..));
    html! {
        <section class="bulk" aria-labelledby="bulk-heading">
            <h3 id="bulk-heading">{"Act on many"}</h3>
            <p class="hint" id="bulk-scope">
                {if props.selected.is_empty() {
                    "Nothing is selected: the buttons act on every invitation that matches the search and status.".to_owned()
                } else {
                    format!("The buttons act on the {} selected on this page.", props.selected.len())
                }}
            </p>
            <div class="toolbar">
                <button type="button" id="bulk-resend" disabled={busy} aria-describedby="bulk-scope"
                    onclick={ask(BulkVerb::Resend, scope.clone())}>{"Resend"}</button>
                <button type="button" id="bulk-extend" disabled={busy} aria-describedby="bulk-scope"
                    onclick={ask(BulkVerb::Extend, scope.clone())}>{"Extend"}</button>
                <button type="button" id="bulk-revoke" class="danger" disabled={busy} aria-describedby="bulk-scope"
                    onclick={ask(BulkVerb::Revoke, scope)}>{"Revoke"}</button>
            </div>
            <details>
                <summary>{"Revoke by email address"}</summary>
                <form onsubmit={revoke_by_email}>
                    <label for="revoke-emails">{"Addresses, one per line"}</label>
                    <textarea id="revoke-emails" ref={emails} rows="4" disabled={busy} />
                    <button type="submit" id="revoke-by-email" disabled={busy}>{"Revoke these"}</button>
                </form>
            </details>
            {stage_view(&stage, &run)}
        </section>
    }
}

/// Addresses typed or pasted (for "Revoke by email address", and "Paste addresses" on the Add
/// tab), as Canvas takes them: one a line, or separated by commas or semicolons; trimmed, blanks
/// skipped, each once whatever its case (the first spelling kept).
pub fn addresses_in(text: &str) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    text.split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty() && seen.insert(s.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// Runs the action the admin confirmed, shows how far it got, and tells the list to reload.
fn run_on_confirm(
    ctx: &AppContext,
    stage: &UseStateHandle<BulkStage>,
    props: &BulkActionsProps,
) -> Callback<(BulkVerb, Scope)> {
    let (ctx, stage, id, on_finished) = (
        ctx.clone(),
        stage.clone(),
        props.contract_id.clone(),
        props.on_finished.clone(),
    );
    Callback::from(move |(verb, scope): (BulkVerb, Scope)| {
        let (ctx, stage, id, on_finished) =
            (ctx.clone(), stage.clone(), id.clone(), on_finished.clone());
        stage.set(BulkStage::Working(verb, 0));
        yew::platform::spawn_local(async move {
            let working = stage.clone();
            let summary = run_bulk(&ctx, &id, verb, &scope, move |handled| {
                working.set(BulkStage::Working(verb, handled))
            })
            .await;
            stage.set(BulkStage::Finished(summary));
            on_finished.emit(());
        });
    })
}

/// The action to its end: the API handles a page a request and answers where to go on. A
/// failure stops it and is said in the summary; `on_page` hears how many were handled so far.
async fn run_bulk(
    ctx: &AppContext,
    contract_id: &str,
    verb: BulkVerb,
    scope: &Scope,
    on_page: impl Fn(u32),
) -> BulkSummary {
    let mut request = scope.request();
    let mut summary = BulkSummary::new(verb);
    loop {
        match ctx.api().bulk(contract_id, verb.route(), &request).await {
            Ok(page) => {
                let continuation = page.continuation.clone();
                summary.add(page);
                on_page(summary.handled());
                match continuation {
                    Some(next) => request.continuation = Some(next),
                    None => return summary,
                }
            }
            Err(e) => {
                summary.stopped = Some(ctx.check(e).to_string());
                return summary;
            }
        }
    }
}

/// Under the buttons: the question, the progress, or the summary.
fn stage_view(stage: &UseStateHandle<BulkStage>, run: &Callback<(BulkVerb, Scope)>) -> Html {
    match &**stage {
        BulkStage::Idle => html! {},
        BulkStage::Asking(verb, scope) => {
            let question = verb.question(scope);
            let confirm = {
                let (run, verb, scope) = (run.clone(), *verb, scope.clone());
                Callback::from(move |_: ()| run.emit((verb, scope.clone())))
            };
            let cancel = {
                let stage = stage.clone();
                Callback::from(move |_: ()| stage.set(BulkStage::Idle))
            };
            html! {
                <Confirm id="bulk-question" yes_id="bulk-confirm" cancel_id="bulk-cancel"
                    yes_label={format!("Yes, {}", verb.word())} {question} {confirm} {cancel} />
            }
        }
        BulkStage::Working(verb, handled) => html! {
            <p role="status" id="bulk-progress">
                {format!("{}… {} handled so far.", verb.working_word(), handled)}
            </p>
        },
        BulkStage::Finished(summary) => html! { <BulkSummaryView summary={summary.clone()} /> },
    }
}

#[derive(Properties, PartialEq)]
pub struct BulkSummaryProps {
    pub summary: BulkSummary,
}

/// The outcome in one sentence, then every invitation that was not changed and why.
#[component]
pub fn BulkSummaryView(props: &BulkSummaryProps) -> Html {
    let s = &props.summary;
    // Focus moves to the outcome: the question that had it is gone.
    let outcome = use_node_ref();
    {
        let outcome = outcome.clone();
        use_effect_with(s.text(), move |_| {
            if let Some(p) = outcome.cast::<web_sys::HtmlElement>() {
                let _ = p.focus();
            }
        });
    }
    html! {
        <div class="bulk-result" id="bulk-result">
            <p role="status" id="bulk-outcome" tabindex="-1" ref={outcome}>{s.text()}</p>
            if let Some(why) = &s.stopped {
                <p role="alert">{format!("Stopped part way: {why} What was done stays done; run it again for the rest.")}</p>
            }
            if !s.not_changed.is_empty() {
                <table class="cards">
                    <caption>{"Not changed"}</caption>
                    <thead><tr><th scope="col">{"Invitation"}</th><th scope="col">{"Why"}</th></tr></thead>
                    <tbody>
                        { for s.not_changed.iter().map(|r| html! {
                            <tr>
                                <td>{r.email.clone()}</td>
                                <td>{r.detail.clone().unwrap_or_else(|| "Not found.".into())}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
