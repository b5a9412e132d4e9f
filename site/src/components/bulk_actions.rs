//! Act on many invitations at once: the ones selected on the page, everything the search and
//! status filter match, or (to revoke) a list of addresses. The question says how many first
//! (the filter's are counted by the API; all of a contract's must be typed to confirm). The API
//! handles a page per request and answers where to go on; this follows the continuation to the
//! end, then shows what happened, with every invitation that was not changed and why.

use crate::api::{
    ApiError, BulkOutcome, BulkOutcomeKind, BulkRequest, BulkResult, InvitationFilter,
};
use crate::components::confirm::Confirm;
use crate::components::countdown::with_countdown;
use crate::components::error::ErrorMessage;
use crate::format;
use crate::AppContext;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
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

    /// Asked before it runs, saying what it does to these invitations (`which`: how many, and
    /// how they were chosen).
    fn question(self, which: &str) -> String {
        match self {
            Self::Resend => {
                format!("Send {which} again, each with a new link? Old links stop working; a scheduled mail goes now.")
            }
            Self::Extend => format!(
                "Make the links of {which} last as long as a new invitation's? Nothing is mailed."
            ),
            Self::Revoke => format!(
                "Revoke {which}? Their links stop working; students who have enrolled stay enrolled."
            ),
        }
    }

    /// Its Yes: revoking cannot be undone from here; sending again and extending can be lived
    /// with, so they look like the main action they are.
    fn yes_class(self) -> &'static str {
        match self {
            Self::Revoke => "danger",
            Self::Resend | Self::Extend => "primary",
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

    /// Every invitation of the contract: no search, no status, no filter.
    fn is_whole_contract(&self) -> bool {
        matches!(self, Self::Filter(f) if f.is_everything())
    }

    /// What a filter's invitations match, in words: "the search and status", or with the
    /// filters (who invited, the import, the days) when they narrow it.
    fn matched(&self) -> &'static str {
        match self {
            Self::Filter(f) if f.is_narrowed() => "the search, status and filters",
            _ => "the search and status",
        }
    }

    /// The invitations it names, in words with how many (`count`: the API's count for a
    /// filter; the list's length otherwise).
    fn words(&self, count: u64) -> String {
        let n = format::count(count);
        match (self, count) {
            (Self::Selected(_), 1) => "the selected invitation".into(),
            (Self::Selected(_), _) => format!("the {n} selected invitations"),
            (Self::Filter(_), 1) if self.is_whole_contract() => {
                "the one invitation of this learning contract".into()
            }
            (Self::Filter(_), _) if self.is_whole_contract() => {
                format!("all {n} invitations of this learning contract")
            }
            (Self::Filter(_), 1) => format!("the invitation that matches {}", self.matched()),
            (Self::Filter(_), _) => format!("the {n} invitations that match {}", self.matched()),
            (Self::Emails(_), 1) => "the invitation of 1 address".into(),
            (Self::Emails(_), _) => format!("the invitations of {n} addresses"),
        }
    }

    /// The opener of its question: focus goes back there on Cancel.
    fn opener(&self, verb: BulkVerb) -> String {
        match self {
            Self::Emails(_) => "revoke-by-email".into(),
            _ => format!("bulk-{}", verb.word()),
        }
    }
}

/// The question before a bulk action: what, on which invitations, how many, and what the admin
/// has typed to confirm (all of a contract's invitations: its number).
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub verb: BulkVerb,
    pub scope: Scope,
    pub count: u64,
    pub typed: String,
}

impl Question {
    pub fn new(verb: BulkVerb, scope: Scope, count: u64) -> Self {
        Self {
            verb,
            scope,
            count,
            typed: String::new(),
        }
    }

    /// What is asked, with how many; with nothing to act on, says so instead.
    pub fn text(&self) -> String {
        match self.count {
            0 if self.scope.is_whole_contract() => format!(
                "This learning contract has no invitations: there is nothing to {}.",
                self.verb.word()
            ),
            0 => format!(
                "No invitation matches {}: there is nothing to {}.",
                self.scope.matched(),
                self.verb.word()
            ),
            n => self.verb.question(&self.scope.words(n)),
        }
    }

    /// All of a contract's invitations: its number must be typed before Yes.
    pub fn needs_typing(&self) -> bool {
        self.count > 0 && self.scope.is_whole_contract()
    }

    /// Yes may be pressed: something to act on, and the number typed where it must be (with
    /// or without separators: "1,234", "1 234" and "1234" all do).
    pub fn ready(&self) -> bool {
        let typed: String = self
            .typed
            .chars()
            .filter(|c| !matches!(c, ',' | '.' | '\'' | '_') && !c.is_whitespace())
            .collect();
        self.count > 0 && (!self.needs_typing() || typed.parse() == Ok(self.count))
    }
}

/// Where a bulk action stands.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum BulkStage {
    #[default]
    Idle,
    /// The API counts what the search and status match, before the question.
    Counting(BulkVerb),
    Asking(Question),
    /// The count could not be read, so nothing was asked.
    CountFailed(ApiError),
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
    let outcome = use_node_ref();
    {
        // Focus moves to the outcome once shown: the question that had it is gone.
        let outcome = outcome.clone();
        let finished = matches!(*stage, BulkStage::Finished(_));
        use_effect_with(finished, move |&finished| {
            if let (true, Some(p)) = (finished, outcome.cast::<web_sys::HtmlElement>()) {
                let _ = p.focus();
            }
        });
    }
    let ask = ask_how_many(&ctx, &stage, &props.contract_id);
    let ask_for = |verb: BulkVerb, scope: Scope| {
        let ask = ask.clone();
        Callback::from(move |_: MouseEvent| ask.emit((verb, scope.clone())))
    };
    let scope = if props.selected.is_empty() {
        Scope::Filter(props.filter.clone())
    } else {
        Scope::Selected(props.selected.clone())
    };
    let run = run_on_confirm(&ctx, &stage, props);
    let revoke_by_email = {
        let (ask, emails) = (ask.clone(), emails.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let text = emails.cast::<HtmlTextAreaElement>().map(|t| t.value());
            let list = addresses_in(&text.unwrap_or_default());
            if !list.is_empty() {
                ask.emit((BulkVerb::Revoke, Scope::Emails(list)));
            }
        })
    };
    let busy = matches!(*stage, BulkStage::Working(..) | BulkStage::Counting(_));
    let set_stage = {
        let stage = stage.clone();
        Callback::from(move |next| stage.set(next))
    };
    html! {
        <section class="bulk" aria-labelledby="bulk-heading">
            <h3 id="bulk-heading">{"Act on many"}</h3>
            <p class="hint" id="bulk-scope">
                {if props.selected.is_empty() {
                    format!("Nothing is selected: the buttons act on every invitation that matches {}.",
                        Scope::Filter(props.filter.clone()).matched())
                } else {
                    format!("The buttons act on the {} selected on this page.", props.selected.len())
                }}
            </p>
            <div class="toolbar">
                <button type="button" id="bulk-resend" disabled={busy} aria-describedby="bulk-scope"
                    onclick={ask_for(BulkVerb::Resend, scope.clone())}>{"Resend"}</button>
                <button type="button" id="bulk-extend" disabled={busy} aria-describedby="bulk-scope"
                    onclick={ask_for(BulkVerb::Extend, scope.clone())}>{"Extend"}</button>
                <button type="button" id="bulk-revoke" class="danger" disabled={busy} aria-describedby="bulk-scope"
                    onclick={ask_for(BulkVerb::Revoke, scope)}>{"Revoke"}</button>
            </div>
            <details>
                <summary>{"Revoke by email address"}</summary>
                <form onsubmit={revoke_by_email}>
                    <label for="revoke-emails">{"Addresses, one per line"}</label>
                    <textarea id="revoke-emails" ref={emails} rows="4" disabled={busy} />
                    <button type="submit" id="revoke-by-email" disabled={busy}>{"Revoke these"}</button>
                </form>
            </details>
            {stage_view(&stage, &set_stage, &run, &outcome)}
        </section>
    }
}

/// Asks before acting, saying how many: a list's length, or what the API counts for the search
/// and status ("Counting…" meanwhile).
fn ask_how_many(
    ctx: &AppContext,
    stage: &UseStateHandle<BulkStage>,
    contract_id: &str,
) -> Callback<(BulkVerb, Scope)> {
    let (ctx, stage, id) = (ctx.clone(), stage.clone(), contract_id.to_owned());
    Callback::from(move |(verb, scope): (BulkVerb, Scope)| {
        let count = match &scope {
            Scope::Selected(ids) => ids.len(),
            Scope::Emails(emails) => emails.len(),
            Scope::Filter(filter) => {
                let (stage, id, filter) = (stage.clone(), id.clone(), filter.clone());
                stage.set(BulkStage::Counting(verb));
                ctx.call(
                    move |api| async move { api.count_invitations(&id, &filter).await },
                    move |counted| {
                        stage.set(match counted {
                            Ok(c) => BulkStage::Asking(Question::new(verb, scope, c.count)),
                            Err(e) => BulkStage::CountFailed(e),
                        })
                    },
                );
                return;
            }
        };
        stage.set(BulkStage::Asking(Question::new(verb, scope, count as u64)));
    })
}

/// Addresses typed or pasted (for "Revoke by email address", and "Paste addresses" on the Add
/// tab), as Canvas takes them: one a line, or separated by commas or semicolons; trimmed, blanks
/// skipped, each once whatever its case (the first spelling kept).
pub fn addresses_in(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for address in text.split(['\n', ',', ';']).map(str::trim) {
        if !address.is_empty() && !found.iter().any(|a| a.eq_ignore_ascii_case(address)) {
            found.push(address.to_owned());
        }
    }
    found
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

/// Under the buttons: the count under way, the question, the progress, or the summary.
/// `set_stage` moves it on (the question's typing and Cancel); `run` acts once Yes is pressed;
/// `outcome` is the summary's sentence.
pub fn stage_view(
    stage: &BulkStage,
    set_stage: &Callback<BulkStage>,
    run: &Callback<(BulkVerb, Scope)>,
    outcome: &NodeRef,
) -> Html {
    match stage {
        BulkStage::Idle => html! {},
        BulkStage::Counting(_) => html! { <p role="status" id="bulk-progress">{"Counting…"}</p> },
        BulkStage::CountFailed(e) => html! {
            <ErrorMessage error={e.clone()} context="Could not count the invitations, so nothing was done" />
        },
        BulkStage::Asking(question) => question_view(question, set_stage, run),
        BulkStage::Working(verb, handled) => html! {
            <p role="status" id="bulk-progress">
                {format!("{}… {} handled so far.", verb.working_word(), handled)}
            </p>
        },
        BulkStage::Finished(summary) => bulk_summary(summary, outcome),
    }
}

/// The question, with how many; all of a contract's invitations wait for their number to be
/// typed, and nothing to act on offers no Yes.
fn question_view(
    question: &Question,
    set_stage: &Callback<BulkStage>,
    run: &Callback<(BulkVerb, Scope)>,
) -> Html {
    let verb = question.verb;
    let confirm = {
        let (run, scope) = (run.clone(), question.scope.clone());
        Callback::from(move |_: ()| run.emit((verb, scope.clone())))
    };
    let cancel = set_stage.reform(|_: ()| BulkStage::Idle);
    let typing = question.needs_typing().then(|| {
        let asked = question.clone();
        let oninput = set_stage.reform(move |e: InputEvent| {
            let typed = e.target_unchecked_into::<HtmlInputElement>().value();
            BulkStage::Asking(Question {
                typed,
                ..asked.clone()
            })
        });
        html! {
            <p>
                <label for="bulk-type-count">{format!("Type {} to confirm", format::count(question.count))}</label>
                <input type="text" id="bulk-type-count" inputmode="numeric" autocomplete="off"
                    value={question.typed.clone()} {oninput} />
            </p>
        }
    });
    html! {
        <Confirm id="bulk-question" yes_id="bulk-confirm" cancel_id="bulk-cancel"
            yes_label={format!("Yes, {}", verb.word())} yes_class={verb.yes_class()}
            yes_disabled={!question.ready()} offer_yes={question.count > 0}
            opener={question.scope.opener(verb)} question={question.text()} {confirm} {cancel}>
            {typing}
        </Confirm>
    }
}

/// The outcome in one sentence, then every invitation that was not changed and why. The
/// outcome takes the focus once shown (`BulkActions`): the question that had it is gone.
pub fn bulk_summary(s: &BulkSummary, outcome: &NodeRef) -> Html {
    html! {
        <div class="bulk-result" id="bulk-result">
            <p role="status" id="bulk-outcome" tabindex="-1" ref={outcome.clone()}>{s.text()}</p>
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
                                <td data-label="Invitation">{r.email.clone()}</td>
                                <td data-label="Why">{why_not_changed(r)}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}

/// Why an invitation was not changed: the API's sentence (a wait it names counted down), or its
/// kind in words; a line that is not an address says so, never "not found".
fn why_not_changed(r: &BulkOutcome) -> Html {
    match (r.outcome, &r.detail) {
        (BulkOutcomeKind::NotAnAddress, _) => html! { "Not an address." },
        (_, Some(detail)) => with_countdown(detail),
        (BulkOutcomeKind::NotFound, None) => html! { "Not found." },
        (_, None) => html! { "Refused." },
    }
}
