//! The scheduled functions that answer a report: send-sweeper and reminders.

use crate::helpers::*;

/// send-sweeper: nothing has been stuck for ten minutes here; it answers its report.
pub fn send_sweeper(lambda: &Lambda<'_>) {
    let swept = lambda.run("send-sweeper", "send-sweeper/events/schedule.json");
    let mut keys: Vec<&String> = swept.as_object().expect("a report").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["cleared", "due", "gave_up", "moved", "requeued"],
        "{swept}"
    );
    assert_eq!(swept["due"], 0, "{swept}");
}

/// reminders: the seed's due reminders are queued (no mailer runs here); it answers its counts
/// (issue 31: also scheduled mails released or cancelled, admins' notices queued).
pub fn reminders(lambda: &Lambda<'_>) {
    let reminded = lambda.run("reminders", "reminders/events/schedule.json");
    let mut keys: Vec<&String> = reminded.as_object().expect("counts").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "cancelled",
            "expired",
            "notices",
            "released",
            "reminded",
            "rescheduled",
            "skipped"
        ],
        "{reminded}"
    );
}
