//! The site end to end in headless Chromium, driven over WebDriver (fantoccini + Debian's
//! chromedriver) against the local stack on free ports. It walks the flow as a person
//! would: sign in as a contract admin, open the voucher, upload a CSV with bad rows for two of
//! its three activities and read the import report, invite two directory users, revoke a pending
//! invitation, enrol an external person through the mailed link, see them Enrolled without a
//! Revoke button, and check that another contract admin cannot open the contract. Then the
//! system administrator manages a contract's admins, adds a person on the People page, makes
//! them a system administrator and withdraws it, makes them an admin of one contract, and that
//! person signs in and sees that contract only. On the way, the admin invites addresses pasted,
//! opens an invitation's history and exports the invitations the tab's search matches. Last, an
//! invitation to an address SES's mailbox simulator bounces shows Bounced and offers no Resend;
//! the admin clears the block by keyboard and corrects the address in the row; bulk questions
//! say how many (all of a contract's typed to confirm), a row follows its resent mail and the
//! counts follow a revoke, a resend too soon counts down, and a file checked first says nothing
//! is sent, here and on the Imports tab. Then the admin writes the contract's own invitation mail
//! (a wrong merge field named, the live preview, save, a test to herself), changes the reminder
//! plan, and reads the contract's funnel pictures. Last, Ada makes a join link for the voucher and
//! manages it (Copy, its QR code, Regenerate, Disable and Enable), and a joiner uses it: the
//! programme, check your mail, and the mailed link on to the enrol page; two more join through a
//! link that needs approval, and Ada approves one and refuses the other. With the voucher made
//! full, she puts two people pasted on its waiting list, moves the second up, revokes a place
//! that then goes by mail to the first in line, and removes the last. Last, programmes on dates
//! and groups (issue 31): Grace invites a group of the Spring Cohort in French for its start, the
//! tab says when each mail goes and filters by the group, one is sent now, she chooses a daily
//! digest, the system administrator moves the start and the waiting mail goes then, and a
//! headed CSV file's check names its columns. Last (issue 32), the voucher's audit: who did what
//! by name, older entries, filtered by action and person (kept in the address), exported as CSV
//! and JSON, and reached by keyboard.
//!
//! Needs the built site (`scripts/build-site.sh` writes site/dist) and /usr/bin/chromium +
//! /usr/bin/chromedriver (`scripts/setup.sh` installs them). Each step leaves a screenshot in
//! tests/artifacts/browser/ (and `failure.png` when a step fails), and every page it shows is
//! audited with axe-core (WCAG 2.1 A and AA) at a desktop and a phone width; the audit fails the
//! test on any violation. axe-core comes from .tools (`scripts/setup.sh`).
//!
//! One test, one browser session and one local stack: the journey's steps run in order, and
//! later steps read what earlier ones made. Each step is a function named for what it does,
//! grouped by topic: contracts.rs (the contracts and their admins), imports.rs (CSV files),
//! invite.rs (directory users), invitations.rs (the Invitations tab), enrol.rs (the student's
//! page), people.rs (the People page), mail.rs (bounces, the contract's mail and reminders),
//! join_links.rs (join links and the joiner's page), programmes.rs (schedules, groups, dates,
//! notifications, a headed file's columns), audit.rs (a contract's audit);
//! helpers.rs drives the page and runs the session.

mod audit;
#[path = "../common/mod.rs"]
mod common;
mod contracts;
mod enrol;
mod filters;
mod first_load;
mod helpers;
mod imports;
mod integrations;
mod invitations;
mod invite;
mod join_links;
mod mail;
mod people;
mod privacy;
mod programmes;

use audit::*;
use contracts::*;
use enrol::*;
use filters::*;
use first_load::*;
use futures::FutureExt;
use helpers::Session;
use imports::*;
use integrations::*;
use invitations::*;
use invite::*;
use join_links::*;
use mail::*;
use people::*;
use programmes::*;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_admin_invites_revokes_and_a_student_enrols_in_the_browser() {
    let session = Session::start("web").await;
    let (page, stack, tag) = (&session.page, &session.stack, session.tag.as_str());
    let started = Instant::now();
    let outcome = AssertUnwindSafe(async {
        the_shell_shows_while_the_code_arrives(page).await;
        sign_in_as_admin(page, stack).await;
        open_the_voucher(page).await;
        upload_a_csv_with_bad_rows(page, tag).await;
        invite_two_directory_users(page, stack).await;
        invite_by_pasting_addresses(page, tag).await;
        the_example_csv_has_three_addresses(page).await;
        let robin_id = revoke_a_pending_invitation(page, tag).await;
        a_revoked_link_says_withdrawn(page, stack, tag).await;
        robin_enrols_through_the_mailed_link(page, stack, tag).await;
        the_admin_sees_robin_enrolled(page, tag, &robin_id).await;
        robin_history_by_keyboard(page, tag, &robin_id).await;
        export_what_the_tab_shows(page, tag).await;
        the_search_survives_a_reload_and_finds_names(page, tag).await;
        filter_by_inviter_and_import_and_sort(page, tag).await;
        another_admin_cannot_open_the_contract(page, stack).await;
        a_contract_admin_cannot_change_the_admins(page, stack).await;
        the_sysadmin_adds_and_removes_an_admin(page, stack).await;
        the_people_page_pages_through_the_directory(page).await;
        the_sysadmins_own_row_offers_no_withdraw(page, stack).await;
        let pat_id = add_a_person(page, tag).await;
        a_known_or_bad_address_is_refused(page, tag).await;
        grant_and_withdraw_system_administration(page, &pat_id).await;
        the_new_person_becomes_a_contract_admin(page, tag, &pat_id).await;
        the_new_person_sees_one_contract(page, tag).await;
        let bounced_id = a_bounced_invitation_offers_no_resend(page, stack, tag).await;
        clear_the_block_by_keyboard(page, tag, &bounced_id).await;
        correct_the_bounced_address(page, stack, tag, &bounced_id).await;
        a_bulk_revoke_is_refused_in_its_row(page, tag).await;
        revoke_by_email_address(page, tag).await;
        bulk_questions_say_how_many(page, tag).await;
        all_of_a_contract_must_be_typed(page, tag).await;
        a_revoke_updates_the_counts(page, tag).await;
        let pia_id = a_resend_shows_its_mail_leaving(page, tag).await;
        a_resend_too_soon_counts_down(page, &pia_id).await;
        let checked = a_check_says_nothing_is_sent(page, tag).await;
        check_a_file_first(page, stack, tag).await;
        drop(checked);
        the_imports_tab_says_what_a_check_would_do(page, tag).await;
        an_unknown_merge_field_is_named(page, tag).await;
        the_preview_merges_the_text(page, tag).await;
        save_and_send_a_test(page, stack, tag).await;
        change_the_reminder_plan(page, tag).await;
        the_funnel_pictures(page).await;
        let endpoint_id = add_an_endpoint_and_send_a_test(page, stack).await;
        an_enrolment_reaches_the_endpoint(page, stack, tag, &endpoint_id).await;
        let join_link = make_and_manage_a_join_link(page, tag).await;
        a_joiner_joins_through_the_link(page, stack, tag, &join_link).await;
        let approved = joiners_through_a_link_that_needs_approval_wait(page, stack, tag).await;
        approve_one_join_request_and_refuse_another(page, stack, tag, &approved).await;
        let seat_limit = over_the_seat_limit_onto_the_waiting_list(page, stack, tag).await;
        a_freed_seat_goes_to_the_first_in_line(page, stack, tag, seat_limit).await;
        let (cora, cy) = grace_invites_the_cohort_for_its_start(page, stack, tag).await;
        the_cohort_waits_in_its_group(page, stack, &cora, &cy).await;
        grace_chooses_a_daily_digest(page).await;
        the_sysadmin_moves_the_cohorts_start(page, stack, &cy).await;
        a_headed_csv_check_names_its_columns(page, tag).await;
        the_audit_says_who_did_what(page).await;
        filter_and_export_the_audit(page).await;
        the_audit_by_keyboard(page).await;
        privacy::the_privacy_page_is_for_system_administrators(page, stack).await;
        privacy::the_privacy_form_by_keyboard(page).await;
        privacy::forget_an_invitee_with_both_wishes(page).await;
        privacy::download_what_is_held_about_an_address(page).await;
        privacy::a_bad_address_is_refused_in_words(page).await;
    })
    .catch_unwind()
    .await;
    session.finish(outcome, started).await;
}
