//! The student's page, reached through the mailed links: a revoked invitation's link says it was
//! withdrawn; a pending one enrols an external person.

use crate::common::{enrol_link, mail_for};
use crate::helpers::{address, Page};
use local_stack::Stack;

/// Kim's mailed link, now revoked, says it was withdrawn.
pub async fn a_revoked_link_says_withdrawn(page: &Page, stack: &Stack, tag: &str) {
    let kim = address("kim", tag);
    let kim_link = enrol_link(
        &mail_for(&stack.emulators.ses, &kim, 1).await[0],
        &stack.url,
    );
    page.goto(&kim_link).await;
    page.text_with("#link-revoked h1", "withdrawn").await;
    page.audit("a revoked link's page").await;
}

/// Robin's mailed link (one mail per invitation) enrols an external person, named on the page.
pub async fn robin_enrols_through_the_mailed_link(page: &Page, stack: &Stack, tag: &str) {
    let robin = address("robin", tag);
    let robin_mail = mail_for(&stack.emulators.ses, &robin, 1).await;
    assert_eq!(robin_mail.len(), 1, "one mail per invitation");
    let robin_link = enrol_link(&robin_mail[0], &stack.url);
    page.goto(&robin_link).await;
    page.text_with("main.student", "Data Skills Voucher").await;
    // The student's page brings the student bundle only, none of the admin pages' code.
    assert_eq!(
        crate::first_load::wasm_loaded(page).await,
        ["/site-student_bg.wasm"]
    );
    page.type_into("enrol-name", "Robin External").await;
    page.snapshot("09-enrol.png").await;
    page.click("enrol").await;
    let enrolled = page.text_with("#enrolled", "is enrolled").await;
    assert_eq!(
        enrolled,
        format!("{robin} is enrolled in Data Skills Voucher.")
    );
    // Issue 28: no dead end: what comes next, under the product's header.
    let next = page.text_with("#what-next", "What comes next").await;
    assert!(
        next.contains(&format!("You sign in to them with {robin}")),
        "{next}"
    );
    page.text_with("header .brand", "Learning Contracts").await;
    assert_eq!(
        page.js("return document.title;").await,
        "You are enrolled · Learning Contracts"
    );
    page.snapshot("10-enrolled.png").await;
    page.audit("the enrolled page").await;
}
