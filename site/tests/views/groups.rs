//! The Invitations tab's groups (issue 31, pages/invitations/groups.rs): each group's figures in
//! a table, a group's name applying the group filter; the group filter itself, kept in the
//! page's address and said in the export's and the bulk actions' words.

use crate::helpers::*;
use site::api::*;
use site::pages::invitations::search::{filters_in_words, search_from_url, url_of};
use site::pages::invitations::{
    filter_choices, groups_view, invitation_filters, FilterChoices, Search,
};
use yew::prelude::*;

fn figures(name: &str, pending: u64, scheduled: u64) -> GroupFigures {
    GroupFigures {
        name: name.into(),
        pending,
        scheduled,
        expired: 1,
        enrolled: 4,
        revoked: 0,
    }
}

fn groups() -> GroupList {
    GroupList {
        groups: vec![figures("Spring A", 3, 2), figures("Spring B", 1234, 0)],
        ungrouped: figures("", 7, 0),
    }
}

fn view(list: GroupList, search: Search) -> String {
    render(move || groups_view(&list, &search, &Callback::noop()))
}

#[test]
fn each_group_has_its_figures_in_a_captioned_table() {
    let html = view(groups(), Search::default());
    assert!(text_between(&html, "<summary", "</summary>").contains("Groups (2)"));
    assert!(text_between(&html, "<caption", "</caption>").contains("Invitations by group"));
    for header in [
        "Group",
        "Pending",
        "Scheduled",
        "Expired",
        "Enrolled",
        "Revoked",
    ] {
        assert!(
            html.contains(&format!("<th scope=\"col\">{header}</th>")),
            "{header}"
        );
    }
    // A row header per group, a button that filters by it; then those in none.
    let a = tag(&html, "group-0");
    assert!(
        a.contains("type=\"button\"") && a.contains("aria-pressed=\"false\""),
        "{a}"
    );
    assert!(a.contains("aria-describedby=\"groups-how\""));
    assert!(text(&html).contains("Spring A") && text(&html).contains("1,234"));
    assert!(html.contains("<th scope=\"row\">In no group</th>"));
    assert!(html.contains("<td data-label=\"Scheduled\">2</td>"));
    assert!(text(&html).contains("Scheduled ones are pending, their mail not sent yet."));

    // The group filtered by reads as pressed; no groups, no table.
    let chosen = Search {
        group: Some("Spring B".into()),
        ..Search::default()
    };
    let html = view(groups(), chosen);
    assert!(tag(&html, "group-1").contains("aria-pressed=\"true\""));
    assert!(tag(&html, "group-0").contains("aria-pressed=\"false\""));
    let none = GroupList {
        groups: vec![],
        ungrouped: figures("", 3, 0),
    };
    assert!(!view(none, Search::default()).contains("<table"));
}

#[test]
fn the_group_filter_lives_in_the_address_and_is_said_in_words() {
    let base = Search {
        q: "ann".into(),
        ..Search::default()
    };
    // The filter as the address writes it, and back.
    let filtered = Search {
        group: Some("Spring A".into()),
        ..base
    };
    assert_eq!(url_of(&filtered), "?q=ann&group=Spring%20A");
    assert_eq!(search_from_url("?q=ann&group=Spring%20A"), filtered);
    assert_eq!(search_from_url("?group=").group, None);
    assert!(filtered.is_narrowed());
    assert_eq!(
        filtered
            .filter()
            .pairs()
            .iter()
            .find(|(k, _)| *k == "group"),
        Some(&("group", Some("Spring A")))
    );
    assert_eq!(
        filters_in_words(&filtered).as_deref(),
        Some("Only those the group filter keeps.")
    );
}

#[test]
fn the_group_filter_offers_the_contracts_groups_and_clears_with_the_others() {
    let search = Search {
        group: Some("Autumn".into()),
        ..Search::default()
    };
    let list = groups();
    let choices = filter_choices(&[], &[], Some(&list), &[], &search);
    // The contract's groups by name, and the address's own group even if it has no one yet.
    assert_eq!(
        choices.groups,
        [
            ("Spring A".to_owned(), "Spring A".to_owned()),
            ("Spring B".into(), "Spring B".into()),
            ("Autumn".into(), "Autumn".into()),
        ]
    );
    let html = render(move || invitation_filters(&search, &choices, &Callback::noop()));
    assert!(html.contains("<label for=\"filter-group\">Group</label>"));
    assert!(html.contains("<option value=\"Autumn\" selected=\"selected\">Autumn</option>"));
    assert!(text(&html).contains("Any group"));
    tag(&html, "clear-filters");

    // No groups: no group filter.
    let html = render(|| {
        invitation_filters(
            &Search::default(),
            &FilterChoices::default(),
            &Callback::noop(),
        )
    });
    assert!(!html.contains("filter-group"));
}
