//! The site as four WebAssembly bundles (issue 33), so that no page makes a browser download
//! every page's code: `site` (sign-in, contracts, a contract's invitations and Add: what an admin
//! uses every day), `site-tabs` (a contract's Imports, Join links, Admins, Mail and Audit tabs),
//! `site-system` (Integrations, People and Privacy) and `site-student` (the enrol and join pages,
//! which a student opens from a mail and which need none of the admin code).
//!
//! Each bundle is a binary of this crate (`src/main.rs`, `src/bin/`) that starts [`App`] with its
//! own [`Pages`]: only the pages its `page` names are linked into its wasm. `static/boot.js`
//! picks the bundle for the address the browser opens, by the same table as [`Route::bundle`]
//! (a test reads boot.js and checks every route). A link to a page of another bundle is followed
//! inside the site as usual; that bundle's [`Elsewhere`] then loads the page from the server, and
//! the page it arrives on moves the focus to its heading as after any navigation in the site.

use crate::pages::*;
use crate::{AdminPage, Route};
use yew::prelude::*;

/// The bundles, by the name of their files in site/dist (`<name>.js`, `<name>_bg.wasm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    Site,
    Tabs,
    System,
    Student,
}

impl Bundle {
    pub const ALL: [Bundle; 4] = [Bundle::Site, Bundle::Tabs, Bundle::System, Bundle::Student];

    /// Its files' name: `site.js` and `site_bg.wasm` for [`Bundle::Site`].
    pub fn name(self) -> &'static str {
        match self {
            Bundle::Site => "site",
            Bundle::Tabs => "site-tabs",
            Bundle::System => "site-system",
            Bundle::Student => "site-student",
        }
    }
}

impl Route {
    /// The bundle whose wasm holds this route's page; boot.js says the same of its address.
    pub fn bundle(&self) -> Bundle {
        match self {
            Route::Imports { .. }
            | Route::JoinLinks { .. }
            | Route::Admins { .. }
            | Route::Mail { .. }
            | Route::Audit { .. } => Bundle::Tabs,
            Route::ContractIntegrations { .. }
            | Route::Integrations
            | Route::People
            | Route::Privacy => Bundle::System,
            Route::Enrol | Route::Join => Bundle::Student,
            Route::Home
            | Route::Contracts
            | Route::Invitations { .. }
            | Route::AddInvitations { .. }
            | Route::SignedIn
            | Route::NotFound => Bundle::Site,
        }
    }
}

/// One bundle's pages.
pub trait Pages: 'static {
    const BUNDLE: Bundle;
    /// The page of a route of this bundle (`route.bundle() == Self::BUNDLE`).
    fn page(route: Route) -> Html;
}

/// The router's render function for bundle `B`: its own pages, and [`Elsewhere`] for the rest.
pub fn switch<B: Pages>(route: Route) -> Html {
    if route.bundle() == B::BUNDLE {
        OWN_PAGE_SHOWN.with(|shown| shown.set(true));
        B::page(route)
    } else {
        html! { <Elsewhere /> }
    }
}

thread_local! {
    /// Whether this bundle has shown one of its own pages: only then is a page of another bundle
    /// a navigation to load (else boot.js chose wrong, and loading again would loop).
    static OWN_PAGE_SHOWN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Said in sessionStorage before another bundle loads a page: that page moves the focus to its
/// heading, as a page does after a navigation inside the site.
const NAVIGATED_KEY: &str = "site.navigated";

/// Whether the page was loaded by a link from another bundle's page (and forgets it).
pub fn arrived_by_link() -> bool {
    use gloo_storage::{SessionStorage, Storage};
    let arrived = SessionStorage::get::<bool>(NAVIGATED_KEY).unwrap_or(false);
    if arrived {
        SessionStorage::delete(NAVIGATED_KEY);
    }
    arrived
}

/// A page of another bundle, reached by a link: the address is already the page's, so loading it
/// again brings the bundle that has it. Until then it reads as index.html's loading shell does.
#[component]
pub fn Elsewhere() -> Html {
    use_effect_with((), |_| {
        if !OWN_PAGE_SHOWN.with(|shown| shown.get()) {
            return;
        }
        use gloo_storage::{SessionStorage, Storage};
        let _ = SessionStorage::set(NAVIGATED_KEY, true);
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    if OWN_PAGE_SHOWN.with(|shown| shown.get()) {
        html! { <main class="page"><p class="loading" role="status">{"Loading…"}</p></main> }
    } else {
        html! { <not_found::NotFound /> }
    }
}

/// Starts bundle `B` in the page: replaces index.html's loading shell with the site.
pub fn start<B: Pages>() {
    #[cfg(target_arch = "wasm32")]
    {
        if arrived_by_link() {
            crate::components::layout::navigated();
        }
        let document = web_sys::window()
            .and_then(|w| w.document())
            .expect("a page to run in");
        if let Some(shell) = document.get_element_by_id("shell") {
            shell.remove();
        }
        match document.get_element_by_id("app") {
            Some(root) => yew::Renderer::<crate::App<B>>::with_root(root).render(),
            None => yew::Renderer::<crate::App<B>>::new().render(),
        };
    }
}

/// Sign-in, the contracts, a contract's Invitations and Add tabs, and the page for an address no
/// route names.
pub struct Site;

impl Pages for Site {
    const BUNDLE: Bundle = Bundle::Site;
    fn page(route: Route) -> Html {
        match route {
            Route::Home => html! { <sign_in::Home /> },
            Route::SignedIn => html! { <signed_in::SignedIn /> },
            Route::Contracts => html! {
                <AdminPage><contracts::ContractsPage /></AdminPage>
            },
            Route::Invitations { id } => html! {
                <AdminPage><invitations::InvitationsPage {id} /></AdminPage>
            },
            Route::AddInvitations { id } => html! {
                <AdminPage><add::AddInvitationsPage {id} /></AdminPage>
            },
            _ => html! { <not_found::NotFound /> },
        }
    }
}

/// A contract's Imports, Join links, Admins, Mail and Audit tabs.
pub struct Tabs;

impl Pages for Tabs {
    const BUNDLE: Bundle = Bundle::Tabs;
    fn page(route: Route) -> Html {
        match route {
            Route::JoinLinks { id } => html! {
                <AdminPage><join_links::JoinLinksPage {id} /></AdminPage>
            },
            Route::Admins { id } => html! {
                <AdminPage><admins::AdminsPage {id} /></AdminPage>
            },
            Route::Mail { id } => html! {
                <AdminPage><mail::MailPage {id} /></AdminPage>
            },
            Route::Audit { id } => html! {
                <AdminPage><audit::AuditPage {id} /></AdminPage>
            },
            Route::Imports { id } => html! {
                <AdminPage><imports::ImportsPage {id} /></AdminPage>
            },
            _ => html! { <not_found::NotFound /> },
        }
    }
}

/// Webhook endpoints (a contract's and every contract's), People and Privacy.
pub struct System;

impl Pages for System {
    const BUNDLE: Bundle = Bundle::System;
    fn page(route: Route) -> Html {
        match route {
            Route::ContractIntegrations { id } => html! {
                <AdminPage><integrations::IntegrationsPage scope={integrations::Scope::Contract(id)} /></AdminPage>
            },
            Route::Integrations => html! {
                <AdminPage><integrations::IntegrationsPage scope={integrations::Scope::Every} /></AdminPage>
            },
            Route::People => html! {
                <AdminPage><people::PeoplePage /></AdminPage>
            },
            Route::Privacy => html! {
                <AdminPage><privacy::PrivacyPage /></AdminPage>
            },
            _ => html! { <not_found::NotFound /> },
        }
    }
}

/// The student's enrol page and the joiner's page: public, and none of the admin code.
pub struct Student;

impl Pages for Student {
    const BUNDLE: Bundle = Bundle::Student;
    fn page(route: Route) -> Html {
        match route {
            Route::Enrol => html! { <enrol::EnrolPage /> },
            Route::Join => html! { <join::JoinerPage /> },
            _ => html! { <not_found::NotFound /> },
        }
    }
}
