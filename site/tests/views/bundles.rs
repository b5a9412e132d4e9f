//! The site's bundles (issue 33, src/bundles.rs): boot.js loads, for every route, the bundle
//! whose wasm has the route's page, and the build makes every bundle.

use site::bundles::Bundle;
use site::Route;
use yew_router::Routable;

fn read(path: &str) -> String {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// boot.js's table: its `['/path/*', 'bundle'],` lines.
fn boot_table() -> Vec<(String, String)> {
    read("static/boot.js")
        .lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("['")?.strip_suffix("'],")?;
            let (pattern, bundle) = line.split_once("', '")?;
            Some((pattern.to_owned(), bundle.to_owned()))
        })
        .collect()
}

/// What boot.js's `bundleOf` answers for `path`.
fn boot_bundle(table: &[(String, String)], path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    table
        .iter()
        .find(|(pattern, _)| {
            let want: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
            want.len() == segments.len()
                && want.iter().zip(&segments).all(|(w, s)| *w == "*" || w == s)
        })
        .map_or_else(|| "site".to_owned(), |(_, bundle)| bundle.clone())
}

#[test]
fn boot_js_loads_the_bundle_that_has_each_routes_page() {
    let table = boot_table();
    assert!(table.len() >= 9, "boot.js's table: {table:?}");
    for (_, bundle) in &table {
        assert!(
            Bundle::ALL.iter().any(|b| b.name() == bundle),
            "boot.js names a bundle the site does not have: {bundle}"
        );
    }
    let mut seen = Vec::new();
    for pattern in Route::routes() {
        let path = pattern.replace(":id", "DATA-SKILLS");
        let route = Route::recognize(&path).unwrap_or_else(|| panic!("{path} is a route"));
        assert_eq!(
            boot_bundle(&table, &path),
            route.bundle().name(),
            "boot.js and Route::bundle disagree on {path}"
        );
        seen.push(route.bundle());
    }
    for bundle in Bundle::ALL {
        assert!(seen.contains(&bundle), "no route is in {bundle:?}");
    }
    // An address no route names is the site bundle's, whose page says so.
    let unknown = "/contracts/DATA-SKILLS/nothing";
    assert_eq!(Route::recognize(unknown), Some(Route::NotFound));
    assert_eq!(boot_bundle(&table, unknown), "site");
    assert_eq!(boot_bundle(&table, "/enrol/"), "site-student");
}

#[test]
fn the_build_makes_every_bundle_and_each_has_its_binary() {
    let script = read("../scripts/build-site.sh");
    let list = script
        .lines()
        .find_map(|line| line.strip_prefix("bundles=("))
        .and_then(|rest| rest.strip_suffix(')'))
        .expect("scripts/build-site.sh's bundles=(...)");
    let built: Vec<&str> = list.split_whitespace().collect();
    let names: Vec<&str> = Bundle::ALL.iter().map(|b| b.name()).collect();
    assert_eq!(built, names);
    for name in &names[1..] {
        read(&format!("src/bin/{name}.rs"));
    }
}
