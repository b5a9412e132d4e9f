//! The filters of the Invitations tab (issue 28): who invited, the import, the first and last
//! day invited; and the group (issue 31). Each applies as soon as it changes, and lives in the page's address with the
//! search (search.rs). The order is the Email column's (table.rs).

use super::*;
use crate::api::{Admin, GroupList, Import, ImportMode};

/// What the filters offer: the people who may have invited (the contract's admins, whoever
/// started one of its imports, the inviters on the page) and the imports that invited.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterChoices {
    /// (user id, name), by name.
    pub inviters: Vec<(String, String)>,
    /// (import id, file name and when), newest first.
    pub imports: Vec<(String, String)>,
    /// The contract's groups (name, name), by name.
    pub groups: Vec<(String, String)>,
}

/// The choices from the contract's admins, imports and groups and the page's rows; the
/// search's own inviter, import and group are always among them (named as well as they can be).
pub fn filter_choices(
    admins: &[Admin],
    imports: &[Import],
    groups: Option<&GroupList>,
    rows: &[Invitation],
    search: &Search,
) -> FilterChoices {
    // A handful of people: a list kept in order by hand (a sort or a map would add kilobytes
    // of code to what every visitor downloads).
    let mut named: Vec<(String, Option<String>)> = Vec::new();
    let mut offer = |id: &str, name: Option<&str>| {
        let name = name.filter(|n| !n.trim().is_empty()).map(str::to_owned);
        match named.iter_mut().find(|(known, _)| known == id) {
            Some((_, slot)) => {
                if slot.is_none() {
                    *slot = name;
                }
            }
            None => named.push((id.to_owned(), name)),
        }
    };
    for admin in admins {
        offer(&admin.id, admin.name.as_deref().or(admin.email.as_deref()));
    }
    let invited: Vec<&Import> = imports
        .iter()
        .filter(|i| i.mode == ImportMode::Invite)
        .collect();
    for import in &invited {
        if let Some(by) = &import.created_by {
            offer(by, import.created_by_name.as_deref());
        }
    }
    for row in rows {
        offer(&row.invited_by, row.invited_by_name.as_deref());
    }
    if let Some(by) = &search.invited_by {
        offer(by, None);
    }
    // By name, any case; the people without one last, in the order they came.
    let mut inviters: Vec<(String, String)> = Vec::with_capacity(named.len());
    let mut nameless = Vec::new();
    for (id, name) in named {
        match name {
            None => nameless.push((id, "Someone no longer in the directory".to_owned())),
            Some(name) => {
                let key = name.to_lowercase();
                let at = inviters
                    .iter()
                    .position(|(_, n)| n.to_lowercase() > key)
                    .unwrap_or(inviters.len());
                inviters.insert(at, (id, name));
            }
        }
    }
    inviters.extend(nameless);
    let mut imports: Vec<(String, String)> = invited
        .iter()
        .map(|i| {
            let file = i.file_name.clone().unwrap_or_else(|| "A CSV file".into());
            (
                i.id.clone(),
                format!("{file}, {}", format::date_time(&i.created_at)),
            )
        })
        .collect();
    if let Some(chosen) = &search.import {
        if !imports.iter().any(|(id, _)| id == chosen) {
            imports.push((chosen.clone(), format!("Import {chosen}")));
        }
    }
    let mut groups: Vec<(String, String)> = groups
        .map(|list| {
            list.groups
                .iter()
                .map(|g| (g.name.clone(), g.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    if let Some(chosen) = &search.group {
        if !groups.iter().any(|(name, _)| name == chosen) {
            groups.push((chosen.clone(), chosen.clone()));
        }
    }
    FilterChoices {
        inviters,
        imports,
        groups,
    }
}

/// Invited by, Import, Invited from and to; Clear filters once any is set. A plain function,
/// not a component: the page draws it again whenever its state changes. The day fields hold the
/// search's days (a date field's value is a whole day or empty, and a change applies at once).
pub fn invitation_filters(
    search: &Search,
    choices: &FilterChoices,
    on_search: &Callback<Search>,
) -> Html {
    // The search with one filter changed to what its field now says ("" is none).
    let change = |set: fn(&mut Search, Option<String>)| {
        let (search, on_search) = (search.clone(), on_search.clone());
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<HtmlSelectElement>()
                .map(|s| s.value())
                .or_else(|| e.target_dyn_into::<HtmlInputElement>().map(|i| i.value()))
                .unwrap_or_default();
            // A day field says "" until its day is whole.
            let mut next = search.clone();
            set(&mut next, Some(value).filter(|v| !v.is_empty()));
            if next != search {
                on_search.emit(next);
            }
        })
    };
    let clear = {
        let (search, on_search) = (search.clone(), on_search.clone());
        Callback::from(move |_: MouseEvent| {
            on_search.emit(Search {
                invited_by: None,
                import: None,
                invited_from: None,
                invited_to: None,
                group: None,
                ..search.clone()
            })
        })
    };
    let days = (&search.invited_from, &search.invited_to);
    html! {
        <div class="filters invitation-filters" role="group" aria-label="Filters">
            {choice_field(("filter-inviter", "Invited by", "Anyone"), &choices.inviters,
                &search.invited_by, change(|s, v| s.invited_by = v))}
            {choice_field(("filter-import", "Import", "All, imported or not"), &choices.imports,
                &search.import, change(|s, v| s.import = v))}
            if !choices.groups.is_empty() {
                {choice_field(("filter-group", "Group", "Any group"), &choices.groups,
                    &search.group, change(|s, v| s.group = v))}
            }
            {day_field(("filter-from", "Invited from"), days.0, (&None, days.1),
                change(|s, v| s.invited_from = v))}
            {day_field(("filter-to", "Invited to"), days.1, (days.0, &None),
                change(|s, v| s.invited_to = v))}
            <p class="hint" id="filter-days">{"Days in UTC, both included."}</p>
            if search.is_narrowed() {
                <button type="button" id="clear-filters" onclick={clear}>{"Clear filters"}</button>
            }
        </div>
    }
}

/// A labelled select (`id`, label, the option that filters nothing) of `choices` (value,
/// label), `chosen` selected.
pub fn choice_field(
    (id, label, none): (&'static str, &'static str, &'static str),
    choices: &[(String, String)],
    chosen: &Option<String>,
    onchange: Callback<Event>,
) -> Html {
    html! {
        <div class="field">
            <label for={id}>{label}</label>
            <select {id} {onchange}>
                <option value="" selected={chosen.is_none()}>{none}</option>
                { for choices.iter().map(|(value, label)| html! {
                    <option value={value.clone()} selected={chosen.as_ref() == Some(value)}>{label.clone()}</option>
                }) }
            </select>
        </div>
    }
}

/// A labelled date field (`id`, label) holding `day`, bounded by the other day (min, max).
pub fn day_field(
    (id, label): (&'static str, &'static str),
    day: &Option<String>,
    (min, max): (&Option<String>, &Option<String>),
    onchange: Callback<Event>,
) -> Html {
    html! {
        <div class="field">
            <label for={id}>{label}</label>
            <input type="date" {id} aria-describedby="filter-days" value={day.clone().unwrap_or_default()}
                min={min.clone()} max={max.clone()} {onchange} />
        </div>
    }
}
