//! One module per screen. Each has a page component (loads data, handles actions) and pure view
//! components that render given data; the tests render the views.

pub mod add;
pub mod admins;
pub mod audit;
pub mod contracts;
pub mod enrol;
pub mod imports;
pub mod integrations;
pub mod invitations;
pub mod join;
pub mod join_links;
pub mod mail;
pub mod not_found;
pub mod people;
pub mod privacy;
pub mod sign_in;
pub mod signed_in;

use crate::api::{ApiError, Contract};
use crate::AppContext;
use yew::prelude::*;

/// The contract a tab is about: `None` while it loads.
#[hook]
pub fn use_contract(id: &str) -> Option<Result<Contract, ApiError>> {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let contract = use_state(|| None);
    {
        let contract = contract.clone();
        use_effect_with(id.to_owned(), move |id| {
            let id = id.clone();
            contract.set(None);
            ctx.call(
                move |api| async move { api.contract(&id).await },
                move |result| contract.set(Some(result)),
            );
        });
    }
    (*contract).clone()
}
