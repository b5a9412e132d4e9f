//! Invitations to people from the directory (searched, ticked, and invited together) and to
//! addresses pasted.

use crate::helpers::{address, Page};
use local_stack::Stack;

/// Two users selected individually: search the directory, tick, Submit, Add Users; both are
/// invited, each to SQL Basics and Dashboards.
pub async fn invite_two_directory_users(page: &Page, stack: &Stack) {
    let (u201, u202) = (
        stack.directory[&201].as_str(),
        stack.directory[&202].as_str(),
    );
    page.click("add-more").await;
    page.click("method-users").await;
    page.type_into("user-search", "bruno kowalski").await;
    page.click("user-search-submit").await;
    page.set_checked(&format!("user-{u201}"), true).await;
    page.type_into("user-search", "chen kowalski").await;
    page.click("user-search-submit").await;
    page.text_with(".user-picker", "Chen Kowalski").await;
    page.set_checked(&format!("user-{u202}"), true).await;
    // The first pick stays listed (and ticked) under "Also selected".
    assert!(page
        .id(&format!("user-{u201}"))
        .await
        .is_selected()
        .await
        .unwrap());
    page.text_with(".user-picker .selection", "2 people selected")
        .await;
    page.click("submit-users").await;
    page.text_with("#step-2", "Step 2 of 2").await;
    page.set_checked("activity-sql-basics", true).await;
    page.set_checked("activity-python-data", false).await;
    page.set_checked("activity-dashboards", true).await;
    page.snapshot("05-users-selected.png").await;
    page.click("add-users").await;
    let results = page.text_with("#results-heading", "invited").await;
    assert!(results.starts_with("2 people invited, 0 not"), "{results}");
    let people = page.cells("section.results tbody tr").await;
    let people = people.as_array().expect("results").clone();
    assert_eq!(people.len(), 2, "{people:?}");
    for (user, row) in ["bruno.kowalski.201@", "chen.kowalski.202@"]
        .iter()
        .zip(&people)
    {
        assert!(
            row[0].as_str().unwrap().starts_with(user) && row[1] == "Invited",
            "{user}: {row}"
        );
    }
    page.snapshot("06-user-results.png").await;
}

/// Addresses pasted (issue 28), as Canvas takes them: commas, semicolons and lines separate them,
/// each is invited once whatever its case, and each address's outcome is listed. Pia and Paz
/// are invited to SQL Basics; the line that is no address is said so.
pub async fn invite_by_pasting_addresses(page: &Page, tag: &str) {
    let (pia, paz) = (address("pia", tag), address("paz", tag));
    page.click("add-more").await;
    page.click("method-paste").await;
    page.type_into(
        "paste-addresses",
        &format!("{pia}, {paz};\n{}\nnot-an-address\n", pia.to_uppercase()),
    )
    .await;
    page.text_with("#paste-found", "3 addresses found.").await;
    page.text_with("#step-2", "Step 2 of 2").await;
    page.text_with(".step", "Choose the activities for the 3 addresses pasted.")
        .await;
    page.set_checked("activity-sql-basics", true).await;
    page.set_checked("activity-python-data", false).await;
    page.set_checked("activity-dashboards", false).await;
    page.snapshot("06b-paste-addresses.png").await;
    page.click("add-users").await;
    let results = page.text_with("#results-heading", "invited").await;
    assert!(results.starts_with("2 people invited, 1 not"), "{results}");
    let rows = page.cells("section.results tbody tr").await;
    let rows: Vec<(String, String)> = rows
        .as_array()
        .expect("results")
        .iter()
        .map(|r| (r[0].as_str().unwrap().into(), r[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (pia, "Invited".into()),
            (paz, "Invited".into()),
            ("not-an-address".into(), "Invalid email".into()),
        ]
    );
    page.snapshot("06c-pasted-results.png").await;
}
