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
    /// Package id -> ids of its normal (not dev, not build) dependencies, without the
    /// workspace-hack (see `the_workspace_hack_is_only_for_the_development_platform`).
    normal: BTreeMap<String, Vec<String>>,
    /// Package id -> the platform of each of its dependencies on the workspace-hack.
    hack_platforms: BTreeMap<String, Vec<Value>>,
}

const HACK: &str = "workspace-hack";
/// The one platform whose builds the workspace-hack unifies (.config/hakari.toml).
const DEV_PLATFORM: &str = "x86_64-unknown-linux-gnu";

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
    let is_hack = |id: &str| packages_by_id(&doc, id) == HACK;
    let hack_platforms = doc["resolve"]["nodes"]
        .as_array()
        .expect("resolve.nodes")
        .iter()
        .map(|node| {
            let platforms = node["deps"]
                .as_array()
                .expect("deps")
                .iter()
                .filter(|d| is_hack(d["pkg"].as_str().unwrap()))
                .flat_map(|d| d["dep_kinds"].as_array().expect("dep_kinds").clone())
                .map(|k| k["target"].clone())
                .collect();
            (node["id"].as_str().unwrap().to_owned(), platforms)
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
                .filter(|d| !is_hack(d["pkg"].as_str().unwrap()))
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
    Graph {
        packages,
        normal,
        hack_platforms,
    }
}

fn packages_by_id<'a>(doc: &'a Value, id: &str) -> &'a str {
    doc["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["id"] == id)
        .and_then(|p| p["name"].as_str())
        .unwrap_or_default()
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

/// The workspace-hack (dev/workspace-hack, made by cargo-hakari) has no code: it turns on one
/// union of features so that every build of a part of the workspace reuses the artifacts of
/// the whole (issue 25). It may only be reached on the development platform: the functions'
/// arm64 build for Lambda and the site's wasm build never see it, which is why the checks
/// above leave it out.
#[test]
fn the_workspace_hack_is_only_for_the_development_platform() {
    let g = graph();
    let members: Vec<&String> = g
        .packages
        .iter()
        .filter(|(_, (name, manifest))| name != HACK && !manifest.contains("/.cargo/"))
        .filter(|(id, _)| id.starts_with("path+file://"))
        .map(|(id, _)| id)
        .collect();
    assert!(members.len() >= 15, "{members:?}");
    for id in members {
        let name = &g.packages[id].0;
        let platforms = &g.hack_platforms[id];
        assert!(
            !platforms.is_empty(),
            "{name} does not depend on {HACK}: builds of it alone would compile the \
             dependencies again; add `[target.{DEV_PLATFORM}.dependencies] {HACK}.workspace = true`"
        );
        assert!(
            platforms.iter().all(|p| p == DEV_PLATFORM),
            "{name} depends on {HACK} for {platforms:?}; only {DEV_PLATFORM} may"
        );
    }
}

/// One crypto library: the SDK's aws-lc-rs also carries the webhooks' https (issue 29). ring
/// would double the crypto in a binary and, through the workspace-hack's union of features,
/// be compiled for every package (and again by `cargo lambda watch`). Asked of `cargo tree`:
/// `cargo metadata` lists an optional dependency named by a weak feature (`ring?/alloc`) as
/// if it were built.
#[test]
fn nothing_is_built_with_ring() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let tree = |package: &str| {
        let out = Command::new(&cargo)
            .args([
                "tree",
                "--offline",
                "--locked",
                "--target",
                "all",
                "-e",
                "all",
            ])
            .args(["--prefix", "none", "-i", package])
            .current_dir(&root)
            .output()
            .expect("cargo tree runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let ring = tree("ring");
    assert!(ring.trim().is_empty(), "built with ring:\n{ring}");
    let aws_lc = tree("aws-lc-rs");
    assert!(
        aws_lc.contains("webhooks"),
        "the check sees the webhooks' crypto:\n{aws_lc}"
    );
}
