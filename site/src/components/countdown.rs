//! A wait the API names in its sentence ("… Try again in 40 seconds."), counted down live.

use yew::prelude::*;

/// Where a sentence of the API's ends with how long to wait ("try again in 40 s", "Try again
/// in 40 seconds."): the sentence before it, and the seconds.
pub fn retry_after(text: &str) -> Option<(&str, u32)> {
    // "Try" or "try": found by what follows its first letter.
    let at = text.rfind("ry again in ")?.checked_sub(1)?;
    let (seconds, unit) = text[at + 13..].trim_end_matches('.').split_once(' ')?;
    if !matches!(unit, "s" | "second" | "seconds") {
        return None;
    }
    Some((text[..at].trim_end(), seconds.parse().ok()?))
}

#[derive(Properties, PartialEq)]
pub struct RetryCountdownProps {
    pub seconds: u32,
}

/// "Try again in 37 s.", a second less each second (a timer, which screen readers do not read
/// out at every tick), then "You can send it again now.", which they do.
#[component]
pub fn RetryCountdown(props: &RetryCountdownProps) -> Html {
    let left = use_state(|| props.seconds);
    {
        let handle = left.clone();
        use_effect_with(*left, move |&n| {
            let tick = (n > 0)
                .then(|| gloo_timers::callback::Timeout::new(1_000, move || handle.set(n - 1)));
            // Gone with the message (or the page): the timer with it.
            move || drop(tick)
        });
    }
    html! {
        <span class="retry" role="status">
            if *left > 0 {
                <span role="timer">{format!("Try again in {} s.", *left)}</span>
            } else {
                {"You can send it again now."}
            }
        </span>
    }
}

/// A sentence of the API's, with the wait it names counted down.
pub fn with_countdown(text: &str) -> Html {
    match retry_after(text) {
        Some((before, seconds)) => html! {
            <>{before.to_owned()}{" "}<RetryCountdown key={text} {seconds} /></>
        },
        None => html! { {text.to_owned()} },
    }
}
