//! The mark of a directory person who can no longer sign in (issue 32): disabled in the
//! sign-in service (the user pool), or removed from it. Their record stays, so invitations
//! and admin lists still name them; the mark says so in words, with what follows where it is
//! shown. Nothing for someone active (or not in the directory).

use crate::api::Standing;
use yew::prelude::*;

/// `tails`: what follows here, for a disabled and for a removed person (each starting with
/// its own punctuation, or empty).
pub fn standing_mark(standing: Option<Standing>, tails: [&str; 2]) -> Html {
    let (words, tail) = match standing {
        Some(Standing::Disabled) => (
            "Disabled in the sign-in service: cannot sign in while disabled",
            tails[0],
        ),
        Some(Standing::Removed) => (
            "Removed from the sign-in service: can no longer sign in",
            tails[1],
        ),
        _ => return html! {},
    };
    html! { <span class="unconfirmed">{words}{tail}</span> }
}
