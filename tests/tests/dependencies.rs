//! What each function binary is built from, read from `cargo metadata`: no function reaches the
//! developer crates under dev/ (the testkit with its table creation, the local stack) through
//! its normal dependencies, and the domain and wire crates stay free of server crates so the
//! site can build them for the browser.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

struct Graph {
    /// Package id -> its name and manifest path.
    packages: BTreeMap<String, (String, String)>,
    /// Package id -> ids of its normal (not dev, not build) dependencies.
    normal: BTreeMap<String, Vec<String>>,
}

fn graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The host's dependencies only: the functions' are the same on Lambda's Linux, and this
    // needs no download of crates for other platforms.
    let host = String::from_utf8(
        Command::new("rustc")
            .arg("-vV")
            .output()
            .expect("rustc -vV")
            .stdout,
    )
    .expect("utf-8");
    let host = host
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc names its host")
        .to_owned();
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--locked"])
        .args(["--filter-platform", &host])
        .current_dir(&root)
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let packages = doc["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().unwrap().to_owned(),
                (
                    p["name"].as_str().unwrap().to_owned(),
                    p["manifest_path"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect();
    let normal = doc["resolve"]["nodes"]
        .as_array()
        .expect("resolve.nodes")
        .iter()
        .map(|node| {
            let deps = node["deps"]
                .as_array()
                .expect("deps")
                .iter()
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .expect("dep_kinds")
                        .iter()
                        .any(|k| k["kind"].is_null())
                })
                .map(|d| d["pkg"].as_str().unwrap().to_owned())
                .collect();
            (node["id"].as_str().unwrap().to_owned(), deps)
        })
        .collect();
    Graph { packages, normal }
}

impl Graph {
    fn id(&self, name: &str) -> &str {
        self.packages
            .iter()
            .find(|(_, (n, _))| n == name)
            .map(|(id, _)| id.as_str())
            .unwrap_or_else(|| panic!("no package {name}"))
    }

    /// Names of every package `name` is built from (normal dependencies, transitively).
    fn closure(&self, name: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![self.id(name).to_owned()];
        while let Some(id) = stack.pop() {
            for dep in self.normal.get(&id).into_iter().flatten() {
                if seen.insert(dep.clone()) {
                    stack.push(dep.clone());
                }
            }
        }
        seen.iter().map(|id| self.packages[id].0.clone()).collect()
    }

    /// The workspace packages whose manifest lives under `dir` of the repository.
    fn under(&self, dir: &str) -> BTreeSet<String> {
        let marker = format!("/{dir}/");
        self.packages
            .values()
            .filter(|(_, manifest)| manifest.contains(&marker) && !manifest.contains("/.cargo/"))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

#[test]
fn no_function_is_built_from_the_developer_crates() {
    let g = graph();
    let dev = g.under("dev");
    assert!(
        dev.contains("testkit") && dev.contains("local-stack"),
        "{dev:?}"
    );
    for function in ["admin-api", "enrol-api", "mailer", "import"] {
        let reached: Vec<_> = g.closure(function).intersection(&dev).cloned().collect();
        assert!(reached.is_empty(), "{function} is built from {reached:?}");
    }
}

#[test]
fn the_rules_and_the_wire_need_no_server_crates() {
    let g = graph();
    for shared in ["invitations-domain", "invitations-wire"] {
        let closure = g.closure(shared);
        for server in [
            "tokio",
            "lambda_http",
            "aws-config",
            "aws-sdk-dynamodb",
            "invitations-core",
        ] {
            assert!(!closure.contains(server), "{shared} is built from {server}");
        }
    }
}
