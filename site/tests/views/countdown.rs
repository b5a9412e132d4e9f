//! A wait the API names ("try again in 40 s"): found in its sentence and counted down.

use crate::helpers::*;
use site::components::countdown::{retry_after, with_countdown, RetryCountdown};
use yew::prelude::*;

#[test]
fn the_wait_is_found_at_the_end_of_the_apis_sentence() {
    assert_eq!(
        retry_after("The invitation was sent less than a minute ago. Try again in 40 seconds."),
        Some(("The invitation was sent less than a minute ago.", 40))
    );
    assert_eq!(
        retry_after("This invitation was just sent: try again in 7 s"),
        Some(("This invitation was just sent:", 7))
    );
    assert_eq!(retry_after("Try again in 1 second."), Some(("", 1)));
    for no_wait in [
        "Something went wrong on our side. Please try again in a moment.",
        "Too many requests. Try again in 5 minutes.",
        "The invitation was revoked: invite them again instead.",
    ] {
        assert_eq!(retry_after(no_wait), None, "{no_wait}");
    }
}

#[test]
fn the_wait_is_a_timer_then_says_it_can_be_sent_again() {
    let html = render(|| {
        with_countdown("The invitation was sent less than a minute ago. Try again in 40 seconds.")
    });
    let t = text(&html);
    assert_eq!(
        t,
        "The invitation was sent less than a minute ago. Try again in 40 s."
    );
    // The ticking number is a timer (not read out each second), inside a status that reads out
    // the end.
    let status = html.find("role=\"status\"").expect("a status");
    let timer = html
        .find("><span role=\"timer\">Try again in 40 s.</span></span>")
        .expect("a timer");
    assert!(status < timer, "{html}");
    let done = render(|| html! { <RetryCountdown seconds={0} /> });
    assert_eq!(text(&done), "You can send it again now.");
    assert!(!done.contains("timer"));
    // A sentence without a wait is left as it is.
    let plain = render(|| with_countdown("Nobody with this address is invited."));
    assert_eq!(plain, text(&plain));
}
