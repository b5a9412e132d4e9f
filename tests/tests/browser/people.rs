//! The People page, as the system administrator: their own row, adding a person (and the
//! refusals), granting and withdrawing system administration; then the new person becomes an
//! admin of one contract, signs in and sees that contract only.

use crate::helpers::{address, Page, WAIT};
use local_stack::seed::contracts::SPRING_COHORT;
use local_stack::Stack;
use serde_json::json;

const PAT: &str = "Pat Newcomer";

/// People, from the main navigation, pages through the whole directory (issue 28: 50 of 300
/// and no way on): "Show more people" adds the next page below, by keyboard, and the count says
/// how many are shown and that more follow until the last page.
pub async fn the_people_page_pages_through_the_directory(page: &Page) {
    page.click("nav-people").await;
    page.text_with("h1", "People").await;
    let rows = async || {
        page.js("return document.querySelectorAll('tr[id^=\"person-\"]').length;")
            .await
            .as_u64()
            .unwrap_or_default()
    };
    let first = page
        .until("the first page of people", WAIT, async || {
            Some(rows().await).filter(|n| *n > 0)
        })
        .await;
    let count = page.text_with("#people-count", "more below").await;
    assert!(
        count.contains(&format!("{first} people shown so far")),
        "{count}"
    );
    page.snapshot("16-people-first-page.png").await;
    let mut shown = first;
    while page.present("#people-more").await {
        page.press("people-more", fantoccini::key::Key::Enter).await;
        shown = page
            .until("the next page of people", WAIT, async || {
                Some(rows().await).filter(|n| *n > shown)
            })
            .await;
    }
    assert!(
        shown >= local_stack::seed::DIRECTORY_SIZE as u64,
        "the directory's {} people are all reachable; {shown} shown",
        local_stack::seed::DIRECTORY_SIZE
    );
    let count = page.text_with("#people-count", "shown").await;
    assert!(!count.contains("more below"), "{count}");
}

/// People, from the main navigation: the system administrator's own row (found by searching
/// the directory) offers no Withdraw.
pub async fn the_sysadmins_own_row_offers_no_withdraw(page: &Page, stack: &Stack) {
    let sam = stack.person("system-admin", 0).user_id.as_str();
    page.click("nav-people").await;
    page.text_with("h1", "People").await;
    page.id("people-count").await;
    page.type_into("people-search", "sam").await;
    page.click("people-search-submit").await;
    let own = page
        .until("the signed-in person's own row", WAIT, async || {
            let own = page
                .js(
                    "const you = document.querySelector('tr[id^=\"person-\"] .you');
                     return you ? you.closest('tr').id : null;",
                )
                .await;
            own.as_str()
                .map(|id| id.trim_start_matches("person-").to_owned())
        })
        .await;
    assert_eq!(own, sam, "Sam's own row is the one marked (you)");
    assert!(
        page.present(&format!("#own-sysadmin-{own}")).await
            && !page.present(&format!("#withdraw-sysadmin-{own}")).await,
        "a system administrator is offered to withdraw their own: {}",
        page.text_with(&format!("#person-{own}"), "").await
    );
    page.snapshot("16-people.png").await;
}

/// Add a person: the sign-in service mails them a temporary password. Answers Pat's user id.
pub async fn add_a_person(page: &Page, tag: &str) -> String {
    let pat = address("pat", tag);
    page.type_into("person-name", PAT).await;
    page.type_into("person-email", &pat).await;
    page.click("add-person").await;
    let added = page
        .text_with("#add-person-outcome", "Added Pat Newcomer")
        .await;
    assert_eq!(
        added,
        "Added Pat Newcomer. They will get an email from the sign-in service with a temporary password."
    );
    let (pat_id, row) = page.person_row(&pat).await;
    assert!(row.contains(PAT), "{row}");
    page.snapshot("17-person-added.png").await;
    pat_id
}

/// The same address again already has an account; a bad address is refused at its field, in
/// words.
pub async fn a_known_or_bad_address_is_refused(page: &Page, tag: &str) {
    let pat = address("pat", tag);
    page.type_into("person-name", PAT).await;
    page.type_into("person-email", &pat.to_uppercase()).await;
    page.click("add-person").await;
    page.text_with("#add-person-outcome", "already has an account")
        .await;
    page.type_into("person-name", PAT).await;
    page.type_into("person-email", "pat@@nowhere").await;
    page.click("add-person").await;
    page.id("person-email-error").await;
    assert_eq!(
        page.attr("person-email", "aria-invalid").await,
        Some("true".into())
    );
    page.snapshot("18-person-refused.png").await;
}

/// Make Pat a system administrator, then withdraw it again (asked first each time).
pub async fn grant_and_withdraw_system_administration(page: &Page, pat_id: &str) {
    page.click(&format!("grant-sysadmin-{pat_id}")).await;
    page.text_with(
        &format!("#person-{pat_id} .confirm"),
        "Make Pat Newcomer a system administrator?",
    )
    .await;
    page.snapshot("19-grant-confirm.png").await;
    page.click(&format!("confirm-sysadmin-{pat_id}")).await;
    page.text_with(
        &format!("#person-outcome-{pat_id}"),
        "Pat Newcomer is now a system administrator.",
    )
    .await;
    page.text_with(&format!("#person-{pat_id}"), "System administrator")
        .await;
    page.click(&format!("withdraw-sysadmin-{pat_id}")).await;
    page.click(&format!("confirm-sysadmin-{pat_id}")).await;
    page.text_with(
        &format!("#person-outcome-{pat_id}"),
        "Pat Newcomer is no longer a system administrator.",
    )
    .await;
    page.id(&format!("grant-sysadmin-{pat_id}")).await;
    page.snapshot("20-sysadmin-withdrawn.png").await;
}

/// Pat becomes an admin of one contract, on its Admins tab.
pub async fn the_new_person_becomes_a_contract_admin(page: &Page, tag: &str, pat_id: &str) {
    let pat = address("pat", tag);
    page.goto(&format!("/contracts/{SPRING_COHORT}/admins"))
        .await;
    page.type_into("admin-search", &pat).await;
    page.click("admin-search-submit").await;
    page.click(&format!("add-admin-{pat_id}")).await;
    page.text_with(&format!("#admin-{pat_id}"), PAT).await;
    page.snapshot("21-new-person-admin.png").await;
}

/// Pat signs in on the local sign-in page (everyone in the user pool is listed there) and sees
/// that contract, and only that one; no People for them.
pub async fn the_new_person_sees_one_contract(page: &Page, tag: &str) {
    let pat = address("pat", tag);
    page.click("sign-out").await;
    let sign_in = page
        .until(&format!("{pat} on the sign-in page"), WAIT, async || {
            let script = format!(
                "const b = [...document.querySelectorAll('ul.users button')]
                     .find(b => b.textContent.includes({}));
                 return b ? b.id : null;",
                json!(pat)
            );
            page.js(&script).await.as_str().map(str::to_owned)
        })
        .await;
    page.click(&sign_in).await;
    page.text_with("header.top", PAT).await;
    page.id(&format!("contract-{SPRING_COHORT}")).await;
    let listed = page
        .js("return [...document.querySelectorAll('.contracts h2[id^=\"contract-\"]')].map(h => h.id);")
        .await;
    assert_eq!(
        listed,
        json!([format!("contract-{SPRING_COHORT}")]),
        "Pat administers one contract"
    );
    assert!(
        !page.present("#nav-people").await,
        "People is offered to someone who is not a system administrator"
    );
    page.snapshot("22-new-person-contracts.png").await;
}
