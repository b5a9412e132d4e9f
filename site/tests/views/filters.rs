//! The Invitations tab's filters and order (issue 28): who invited, the import, the days, the
//! Email column sorted either way, all kept in the page's address.

use crate::helpers::*;
use site::api::*;
use site::pages::invitations::search::{filters_in_words, search_from_url, url_of};
use site::pages::invitations::{
    export_button, filter_choices, invitation_filters, invitation_table, FilterChoices,
    InvitationsState, RowCalls, Search,
};
use yew::prelude::*;

fn filters(search: Search, choices: FilterChoices) -> String {
    render(move || invitation_filters(&search, &choices, &Callback::noop()))
}

/// Ada and Bob, and the import spring.csv.
fn choices() -> FilterChoices {
    FilterChoices {
        inviters: vec![
            ("ada-admin".into(), "Ada Lovelace".into()),
            ("u-bob".into(), "Bob Builder".into()),
        ],
        imports: vec![("imp1".into(), "spring.csv, 3 Feb 2025, 09:30 UTC".into())],
        groups: vec![],
    }
}

#[test]
fn each_filter_has_a_visible_label_and_shows_what_is_chosen() {
    let html = filters(Search::default(), choices());
    for (id, label) in [
        ("filter-inviter", "Invited by"),
        ("filter-import", "Import"),
        ("filter-from", "Invited from"),
        ("filter-to", "Invited to"),
    ] {
        tag(&html, id);
        assert!(
            html.contains(&format!("<label for=\"{id}\">{label}</label>")),
            "{html}"
        );
    }
    assert!(tag(&html, "filter-from").contains("type=\"date\""));
    assert!(tag(&html, "filter-from").contains("aria-describedby=\"filter-days\""));
    assert!(text(&html).contains("Days in UTC, both included."));
    assert!(text(&html).contains("Anyone"));
    assert!(text(&html).contains("spring.csv, 3 Feb 2025, 09:30 UTC"));
    // Nothing to clear yet.
    assert!(!html.contains("clear-filters"));

    let chosen = Search {
        invited_by: Some("u-bob".into()),
        import: Some("imp1".into()),
        invited_from: Some("2025-02-01".into()),
        invited_to: Some("2025-02-28".into()),
        ..Search::default()
    };
    let html = filters(chosen, choices());
    assert!(
        html.contains("<option value=\"u-bob\" selected=\"selected\">Bob Builder</option>"),
        "{html}"
    );
    assert!(
        html.contains("<option value=\"imp1\" selected=\"selected\">"),
        "{html}"
    );
    // The days bound each other, so the browser offers no empty range.
    assert!(
        tag(&html, "filter-from").contains("max=\"2025-02-28\""),
        "{html}"
    );
    assert!(
        tag(&html, "filter-to").contains("min=\"2025-02-01\""),
        "{html}"
    );
    assert!(tag(&html, "clear-filters").contains("type=\"button\""));
}

#[test]
fn the_inviters_are_the_admins_the_importers_and_who_the_rows_name() {
    let mut import = done_import();
    import.created_by = Some("u-cy".into());
    import.created_by_name = Some("Cy Importer".into());
    let mut check = new_import("chk1", ImportState::Done, None);
    check.mode = ImportMode::Check;
    let rows = vec![invitation("a", "pending", true)];
    let search = Search {
        invited_by: Some("u-elsewhere".into()),
        ..Search::default()
    };
    let got = filter_choices(&admins(), &[import, check], None, &rows, &search);
    let names: Vec<&str> = got.inviters.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Ada Lovelace",
            "Ann Admin",
            "Cy Importer",
            "Someone no longer in the directory",
            "Someone no longer in the directory",
        ]
    );
    // Each person once, by id; never an id for a name.
    let ids: Vec<&str> = got.inviters.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        ["ada-admin", "admin-1", "u-cy", "gone-admin", "u-elsewhere"]
    );
    // Only the imports that invited (a check invites nobody).
    assert_eq!(got.imports.len(), 1);
    assert_eq!(got.imports[0].0, "imp1");
    assert!(
        got.imports[0].1.starts_with("spring.csv, "),
        "{:?}",
        got.imports
    );
}

#[test]
fn the_email_column_is_sorted_either_way_by_its_header() {
    let rows = vec![invitation("a", "pending", true)];
    let render_table = |descending: bool| {
        let rows = rows.clone();
        let state = InvitationsState {
            search: Search {
                descending,
                ..Search::default()
            },
            ..Default::default()
        };
        render(move || invitation_table(&rows, &state, &RowCalls::default()))
    };
    let html = render_table(false);
    let header = text_between(&html, "<th scope=\"col\" aria-sort", "</th>");
    assert!(header.contains("Email"), "{header}");
    assert!(html.contains("aria-sort=\"ascending\""), "{html}");
    assert!(tag(&html, "sort-email").contains("type=\"button\""));
    assert!(text(&html).contains("Press to sort Z to A."));
    // Only the column the API can keep in order across pages says it is sorted.
    assert_eq!(html.matches("aria-sort").count(), 1);
    let html = render_table(true);
    assert!(html.contains("aria-sort=\"descending\""), "{html}");
    assert!(text(&html).contains("Press to sort A to Z."));
}

#[test]
fn the_filters_and_order_live_in_the_address() {
    let search = Search {
        q: "ann".into(),
        status: Some(InvitationStatus::Pending),
        invited_by: Some("u-bob".into()),
        import: Some("imp1".into()),
        invited_from: Some("2025-02-01".into()),
        invited_to: Some("2025-02-28".into()),
        descending: true,
        group: None,
    };
    let url = url_of(&search);
    assert_eq!(
        url,
        "?q=ann&status=pending&invited_by=u-bob&import=imp1&invited_from=2025-02-01\
         &invited_to=2025-02-28&sort=-email"
    );
    assert_eq!(search_from_url(&url), search);
    // What could not be an id or a day is left out, as an unknown order is.
    let typed = search_from_url("?invited_by=a%2Fb&import=&invited_from=1%20Feb&sort=name");
    assert_eq!(typed, Search::default());
}

#[test]
fn the_export_and_the_bulk_filter_say_the_filters_count() {
    let search = Search {
        invited_by: Some("u-bob".into()),
        invited_to: Some("2025-02-28".into()),
        ..Search::default()
    };
    assert_eq!(
        filters_in_words(&search).as_deref(),
        Some("Only those the inviter and days filters keep.")
    );
    assert_eq!(filters_in_words(&Search::default()), None);
    let state = InvitationsState {
        search: search.clone(),
        ..Default::default()
    };
    let filter = state.filter();
    assert_eq!(filter.invited_by.as_deref(), Some("u-bob"));
    assert_eq!(filter.invited_to.as_deref(), Some("2025-02-28"));
    assert!(filter.is_narrowed() && !filter.is_everything());
    let html = render(move || export_button(&search, None, Callback::noop()));
    assert!(
        text(&html).contains(
            "The invitations of this contract. Only those the inviter and days filters keep."
        ),
        "{html}"
    );
}
