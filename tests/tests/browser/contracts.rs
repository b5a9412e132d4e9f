//! The contracts and who administers them: Ada signs in and opens her voucher; Grace, another
//! contract admin, is refused it and only sees her own contract's admins; the system
//! administrator makes Ada an admin of Grace's contract and removes her again.

use crate::helpers::{Page, WAIT};
use local_stack::seed::contracts::{DATA_SKILLS, ONBOARDING};
use local_stack::Stack;

/// Ada, a contract admin, signs in: her contracts are listed (her voucher among them), not
/// Grace's onboarding voucher.
pub async fn sign_in_as_admin(page: &Page, stack: &Stack) {
    let ada = stack.person("contract-admin", 0).user_id.as_str();
    page.goto("/").await;
    page.id(&format!("sign-in-{ada}")).await;
    page.snapshot("01-sign-in.png").await;
    page.sign_in_as(ada, "Ada Lovelace").await;
    page.id(&format!("contract-{DATA_SKILLS}")).await;
    assert!(
        !page.present(&format!("#contract-{ONBOARDING}")).await,
        "Ada's list shows Grace's contract"
    );
    page.audit("the contracts").await;
}

/// The voucher contract, opened from the list: its invitations and Add Invitations.
pub async fn open_the_voucher(page: &Page) {
    page.css(&format!("#contract-{DATA_SKILLS} a"))
        .await
        .click()
        .await
        .expect("click");
    page.text_with("h1", "Data Skills Voucher").await;
    // Issue 28: the page has its own title, and after the navigation the focus is on its
    // heading, so that a screen reader says where the person now is.
    let (title, focused) = (
        page.js("return document.title;").await,
        page.js("return document.activeElement && document.activeElement.tagName;")
            .await,
    );
    assert_eq!(
        title,
        "Invitations · Data Skills Voucher · Learning Contracts"
    );
    assert_eq!(focused, "H1");
    page.id("add-invitations").await;
    page.text_with("section[aria-label='Invitations']", "pending")
        .await;
    page.snapshot("02-contract.png").await;
}

/// Another contract admin (Grace) cannot open Ada's contract, nor sees it listed.
pub async fn another_admin_cannot_open_the_contract(page: &Page, stack: &Stack) {
    let grace = stack.person("contract-admin", 1).user_id.as_str();
    page.switch_to(grace, "Grace Hopper").await;
    page.id(&format!("contract-{ONBOARDING}")).await;
    assert!(
        !page.present(&format!("#contract-{DATA_SKILLS}")).await,
        "Grace's list shows Ada's contract"
    );
    page.snapshot("12-other-admin-contracts.png").await;
    page.open_contract(DATA_SKILLS).await;
    // Issue 28: no dead end: a page that says why, what to do, and the way back.
    let refused = page
        .text_with(
            "#contract-unavailable",
            "You do not manage this learning contract",
        )
        .await;
    // It names whom to ask: the contract's admin, Ada.
    assert!(
        refused.contains("Its admin is Ada Lovelace: ask them, or a system administrator"),
        "{refused}"
    );
    assert!(
        refused.contains("Back to your learning contracts"),
        "{refused}"
    );
    page.audit("a contract one may not open").await;
    // Only the refusal: no tools, none of Ada's invitations.
    assert!(
        !page.present("#add-invitations").await && !page.present("tr[id^='invitation-']").await,
        "Grace is offered Ada's invitations: {}",
        page.body_text().await
    );
    page.snapshot("13-other-admin-refused.png").await;
}

/// Grace sees who administers her own contract, but cannot change it.
pub async fn a_contract_admin_cannot_change_the_admins(page: &Page, stack: &Stack) {
    let grace = stack.person("contract-admin", 1).user_id.as_str();
    page.goto(&format!("/contracts/{ONBOARDING}/admins")).await;
    page.id(&format!("admin-{grace}")).await;
    assert!(
        !page.present("[id^='remove-admin-']").await && !page.present("#admin-search").await,
        "a contract admin is offered to change the admins"
    );
}

/// The system administrator makes Ada an admin of Grace's contract, then removes her.
pub async fn the_sysadmin_adds_and_removes_an_admin(page: &Page, stack: &Stack) {
    let ada = stack.person("contract-admin", 0).user_id.as_str();
    let grace = stack.person("contract-admin", 1).user_id.as_str();
    let sam = stack.person("system-admin", 0).user_id.as_str();
    page.switch_to(sam, "Sam Sysadmin").await;
    page.goto(&format!("/contracts/{ONBOARDING}/admins")).await;
    page.id(&format!("admin-{grace}")).await;
    page.type_into("admin-search", "ada").await;
    page.click("admin-search-submit").await;
    page.click(&format!("add-admin-{ada}")).await;
    page.text_with(&format!("#admin-{ada}"), "Ada Lovelace")
        .await;
    page.id("admins-outcome").await;
    page.snapshot("14-admin-added.png").await;
    page.click(&format!("remove-admin-{ada}")).await;
    page.click(&format!("confirm-remove-{ada}")).await;
    page.until("Ada's row to go", WAIT, async || {
        (!page.present(&format!("#admin-{ada}")).await).then_some(())
    })
    .await;
    page.id(&format!("admin-{grace}")).await;
    page.snapshot("15-admin-removed.png").await;
}
