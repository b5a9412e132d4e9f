//! What the template checks share: the function binaries of the workspace and their sources,
//! the route table as the template should declare it, and each role's statements.

use local_stack::template::Template;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_path_buf()
}

pub fn ref_to(value: &Value) -> Option<&str> {
    value.get("Ref").and_then(Value::as_str)
}

/// A function binary: a `[[bin]]` of a package under functions/ (its `path`), or the package
/// itself when it has src/main.rs.
pub struct Binary {
    pub package: PathBuf,
    pub main: PathBuf,
}

impl Binary {
    /// The sources that make this binary: its own main file and the package's library (src/
    /// without src/bin/ and without other binaries' files).
    pub fn sources(&self, all: &BTreeMap<String, Binary>) -> String {
        let mains: BTreeSet<&PathBuf> = all.values().map(|b| &b.main).collect();
        let mut text = std::fs::read_to_string(&self.main).expect("main source");
        for (path, source) in rust_files(&self.package.join("src")) {
            if !mains.contains(&path) {
                text.push_str(&source);
                text.push('\n');
            }
        }
        text
    }
}

/// Every function binary by name.
pub fn function_binaries() -> BTreeMap<String, Binary> {
    let mut binaries = BTreeMap::new();
    let dir = repo().join("functions");
    for entry in std::fs::read_dir(&dir).expect("functions/") {
        let path = entry.expect("entry").path();
        let manifest = path.join("Cargo.toml");
        if path.file_name().is_some_and(|n| n == "core") || !manifest.is_file() {
            continue;
        }
        let toml = std::fs::read_to_string(&manifest).expect("Cargo.toml");
        let mut section = String::new();
        let mut package_name = None;
        let mut bins: Vec<(String, Option<String>)> = Vec::new();
        for line in toml.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line.to_owned();
                if section == "[[bin]]" {
                    bins.push((String::new(), None));
                }
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"').to_owned();
            match (section.as_str(), key.trim()) {
                ("[package]", "name") => package_name = Some(value),
                ("[[bin]]", "name") => bins.last_mut().expect("[[bin]]").0 = value,
                ("[[bin]]", "path") => bins.last_mut().expect("[[bin]]").1 = Some(value),
                _ => {}
            }
        }
        if bins.is_empty() && path.join("src/main.rs").is_file() {
            bins.push((package_name.expect("[package] name"), None));
        }
        for (name, main) in bins {
            let main = path.join(main.unwrap_or_else(|| "src/main.rs".to_owned()));
            assert!(main.is_file(), "{}", main.display());
            binaries.insert(
                name,
                Binary {
                    package: path.clone(),
                    main,
                },
            );
        }
    }
    binaries
}

/// `(method, path)` of every route of the route table (invitations_wire::routes), with the
/// binary that serves it and whether it is public. That each function's handler takes exactly
/// its table routes is the admin API's authorization matrix test and the enrol API's tests.
pub fn served_routes() -> BTreeMap<(String, String), (&'static str, bool)> {
    let mut routes = BTreeMap::new();
    for r in invitations_wire::routes::ROUTES {
        let previous = routes.insert(
            (r.method.to_owned(), r.path.to_owned()),
            (r.function, r.public),
        );
        assert!(previous.is_none(), "{} is in the table twice", r.key());
    }
    routes
}

/// Whether `binary` answers routes of the HTTP API.
pub fn served_by_http(binary: &str) -> bool {
    served_routes().values().any(|(b, _)| *b == binary)
}

/// Every `X` in `marker"X"` in `source` (`marker` ends just before the quote).
pub fn quoted_after(source: &str, marker: &str) -> Vec<String> {
    let pattern = format!("{marker}\"");
    source
        .match_indices(&pattern)
        .filter(|(at, _)| {
            // `required("X")` but not `not_required("X")` or `.required("X")`.
            let before = source[..*at].chars().next_back();
            !matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == '.')
                || marker.contains("::")
        })
        .filter_map(|(at, _)| {
            let rest = &source[at + pattern.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// Variables named literally: `required("X")`, `optional("X")` (bare or as `config::...`),
/// `env::var("X")`, `env::var_os("X")`.
pub fn literal_reads(source: &str) -> BTreeSet<String> {
    ["required(", "optional(", "env::var(", "env::var_os("]
        .iter()
        .flat_map(|m| quoted_after(source, m))
        .collect()
}

pub fn calls(source: &str, function: &str) -> bool {
    let pattern = format!("{function}(");
    source.match_indices(&pattern).any(|(at, _)| {
        let before = source[..at].chars().next_back();
        !matches!(before, Some(c) if c.is_alphanumeric() || c == '_' || c == '.')
            || source[..at].ends_with("config::")
    })
}

/// Every .rs file under `dir` with its text.
pub fn rust_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("source dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                files.push((path, text));
            }
        }
    }
    files
}

/// The public helpers of functions/core/src/config.rs and the variables each reads itself
/// (`link_key` -> LINK_SIGNING_SECRET, `s3` -> S3_FORCE_PATH_STYLE), from their bodies.
pub fn config_helpers() -> BTreeMap<String, BTreeSet<String>> {
    let source =
        std::fs::read_to_string(repo().join("functions/core/src/config.rs")).expect("config.rs");
    let mut helpers = BTreeMap::new();
    let mut starts: Vec<(usize, usize)> = ["pub fn ", "pub async fn "]
        .iter()
        .flat_map(|p| source.match_indices(p).map(|(at, m)| (at, m.len())))
        .collect();
    starts.sort();
    for (i, &(start, prefix)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|s| s.0).unwrap_or(source.len());
        let body = &source[start..end];
        let name: String = body[prefix..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        helpers.insert(name, literal_reads(body));
    }
    helpers
}

/// Read in the code, never to be set in AWS: `S3_FORCE_PATH_STYLE=true` is for emulators that
/// serve every bucket on one host name; in AWS the SDK's default (virtual-hosted) is right.
pub const EMULATOR_ONLY: &[&str] = &["S3_FORCE_PATH_STYLE"];

/// Every action a function's role allows, as `service:Action`.
/// The statements of `binary`'s role, with those made only under a condition (`!If [Cond,
/// statement, !Ref AWS::NoValue]`) taken as when the condition holds.
pub fn role_statements(template: &Template, binary: &str) -> Vec<Value> {
    let f = template
        .functions()
        .into_iter()
        .find(|f| f.binary == binary)
        .unwrap_or_else(|| panic!("no function builds {binary}"));
    let role = f.properties["Role"]["Fn::GetAtt"][0]
        .as_str()
        .expect("role");
    let mut statements = Vec::new();
    for policy in template.resources()[role]["Properties"]["Policies"]
        .as_array()
        .expect("inline policies")
    {
        for statement in policy["PolicyDocument"]["Statement"]
            .as_array()
            .expect("statements")
        {
            match statement.get("Fn::If") {
                Some(branches) => {
                    assert_eq!(branches[2], json!({"Ref": "AWS::NoValue"}), "{binary}");
                    statements.push(branches[1].clone());
                }
                None => statements.push(statement.clone()),
            }
        }
    }
    statements
}

pub fn role_actions(template: &Template, binary: &str) -> BTreeSet<String> {
    let mut actions = BTreeSet::new();
    for statement in role_statements(template, binary) {
        assert_eq!(statement["Effect"], "Allow", "{binary}: {statement}");
        match &statement["Action"] {
            Value::String(a) => {
                actions.insert(a.clone());
            }
            Value::Array(list) => {
                actions.extend(list.iter().map(|a| a.as_str().expect("action").to_owned()))
            }
            other => panic!("{binary}: Action {other}"),
        }
    }
    actions
}
