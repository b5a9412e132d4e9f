//! `/people`: the directory, for system administrators. Everyone who can sign in is here (the
//! user pool, keyed by Cognito's `sub`). A system administrator searches it, adds a person (the
//! sign-in service mails them a temporary password), and makes people system administrators or
//! withdraws it, after a question, with the outcome shown in the person's row. Nobody withdraws
//! their own: another system administrator has to.

mod add;
mod state;
mod view;

pub use add::*;
pub use state::*;
pub use view::*;

use crate::api::{ApiError, NewPerson, PersonAdded, User, UserList};
use crate::by_id::ById;
use crate::components::confirm::Confirm;
use crate::components::error::ErrorMessage;
use crate::components::form::search_on_submit;
use crate::components::outcome::Outcome;
use crate::components::unconfirmed::Unconfirmed;
use crate::format;
use crate::AppContext;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[component]
pub fn PeoplePage() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let state = use_reducer(PeopleState::default);
    let system_admin = ctx.is_system_admin();
    let on_search = {
        let (ctx, state) = (ctx.clone(), state.clone());
        Callback::from(move |q: String| {
            let (ctx, state) = (ctx.clone(), state.clone());
            let q = q.trim().to_owned();
            state.dispatch(PeopleAction::Search(q.clone()));
            let query = q.clone();
            ctx.call(
                move |api| async move { api.users_page(&query, None).await },
                move |result| state.dispatch(PeopleAction::Found(q, result)),
            );
        })
    };
    let on_more = {
        let (ctx, state) = (ctx.clone(), state.clone());
        Callback::from(move |_: ()| {
            let (ctx, state) = (ctx.clone(), state.clone());
            let (q, Some(cursor)) = (state.query.clone(), state.more.clone()) else {
                return;
            };
            state.dispatch(PeopleAction::LoadingMore);
            let query = q.clone();
            ctx.call(
                move |api| async move { api.users_page(&query, Some(&cursor)).await },
                move |result| state.dispatch(PeopleAction::FoundMore(q, result)),
            );
        })
    };
    // The first people of the directory, as soon as the page opens.
    {
        let on_search = on_search.clone();
        use_effect_with(system_admin, move |system_admin| {
            if *system_admin {
                on_search.emit(String::new());
            }
        });
    }
    let on_add = {
        let (ctx, state) = (ctx.clone(), state.clone());
        Callback::from(move |person: NewPerson| {
            let (ctx, state) = (ctx.clone(), state.clone());
            state.dispatch(PeopleAction::Adding);
            ctx.call(
                move |api| async move { api.add_person(&person).await },
                move |result| state.dispatch(PeopleAction::Added(Box::new(result))),
            );
        })
    };
    let on_change = {
        let (ctx, state) = (ctx.clone(), state.clone());
        Callback::from(move |(user, change): (User, Change)| {
            let (ctx, state) = (ctx.clone(), state.clone());
            state.dispatch(PeopleAction::Changing(user.id.clone(), change));
            let user_id = user.id.clone();
            ctx.call(
                move |api| async move {
                    match change {
                        Change::Grant => api.grant_system_admin(&user_id).await,
                        Change::Withdraw => api.withdraw_system_admin(&user_id).await,
                    }
                },
                move |result| state.dispatch(PeopleAction::Changed(user, change, result)),
            );
        })
    };
    let dispatch = {
        let state = state.clone();
        Callback::from(move |a: PeopleAction| state.dispatch(a))
    };
    let me = ctx.session.session.as_ref().and_then(|s| s.user_id.clone());
    html! {
        <PeopleView state={(*state).clone()} {system_admin} {me} {dispatch} {on_search} {on_more} {on_add} {on_change} />
    }
}
