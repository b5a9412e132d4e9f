#!/usr/bin/env bash
# Builds the static site into site/dist/: index.html, style.css, boot.js, config.json, and a
# <bundle>.js and <bundle>_bg.wasm for each of the site's bundles (site/src/bundles.rs; boot.js
# loads the one a page needs). Idempotent: installs the wasm target and wasm-bindgen-cli (at
# exactly the version in Cargo.lock, into .tools/bin) only when missing.
#
#   scripts/build-site.sh                      # dist/config.json is the local-stack config
#   SITE_CONFIG=prod-config.json scripts/build-site.sh   # use this file as dist/config.json
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/cargo-env.sh
target_dir="$CARGO_TARGET_DIR"
dist="$root/site/dist"
tools="$root/.tools"
# Raised from 350 KB when bulk actions, histories, export and the check came (BENCHMARKS.md),
# and from 400 KB for issue 28 (the site at 415,547 B gzip; its Add, Imports and Invitations
# work made up for what it added by turning stateless components into plain functions), and to
# 416 KB for its filters and sort (the filter bar, the contract's admins and imports it offers,
# the order in the address: 425,052 B, about 8.4 KB over 416,634 B), and to 450 KB for the
# Integrations page (issue 29: webhook endpoints, their secret shown once, deliveries and replay:
# 460,157 B, about 34 KB over 425,052 B), and to 452 KB for Send again of one delivery
# (461,665 B), and to 488 KB for join links (issue 30: a contract's Join links tab with its
# form, Copy, the QR code drawn by qrcodegen and Regenerate's question, and the joiner's public
# /join page: 498,961 B, about 36 KB over 462,037 B), and to 497 KB for its join requests and
# waiting list (the approval box, Approve and Refuse, the moves and Remove with their questions,
# the joiner's wait for approval: 508,733 B, about 9.4 KB over 499,137 B), and to 498 KB for the
# Add page's "over the seat limit on the waiting list" box (509,109 B); issue 31's pages fitted
# under it (505,786 B, about 25 KB cut elsewhere), and to 509 KB for issue 32's Audit tab (the
# contract's audit, its filters, paging and exports: 520,076 B, about 14 KB over 505,786 B),
# and to 528 KB for the rest of issue 32 (the Privacy page, about 15 KB; the directory's
# standing, about 1 KB: 536,747 B). Issue 33 brought it under 350 KB by splitting the site into
# four bundles, each page downloading its own (site/src/bundles.rs): the budget is now for each
# bundle, 341 KB, the largest being the `site` bundle at 348,752 B (BENCHMARKS.md, 2026-12-07).
budget_kb=341

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

# wasm-bindgen-cli must match the wasm-bindgen library exactly, or the generated JS is wrong.
want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
if [ -z "$want" ]; then
  echo "Cargo.lock has no wasm-bindgen entry; run cargo build -p site once first." >&2
  exit 1
fi
have="$("$tools/bin/wasm-bindgen" --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have" != "$want" ]; then
  echo "Installing wasm-bindgen-cli $want into $tools/bin"
  cargo install wasm-bindgen-cli --version "=$want" --root "$tools"
fi

# One wasm per bundle (site/src/bundles.rs): the `site` binary and those of site/src/bin/.
bundles=(site site-tabs site-system site-student)
cargo build --profile site-release --target wasm32-unknown-unknown -p site --bins

rm -rf "$dist"
mkdir -p "$dist"
# boot.js passes each module its wasm's path, and every browser the site supports has
# TextEncoder.encodeInto: so no default path and no fallback for it in the JavaScript.
for bundle in "${bundles[@]}"; do
  "$tools/bin/wasm-bindgen" --target web --no-typescript \
    --remove-name-section --remove-producers-section \
    --omit-default-module-path --encode-into always --out-dir "$dist" --out-name "$bundle" \
    "$target_dir/wasm32-unknown-unknown/site-release/$bundle.wasm"
done
cp site/static/index.html site/static/style.css site/static/boot.js "$dist/"
cp "${SITE_CONFIG:-site/static/config.json}" "$dist/config.json"

# Size against the budget: what a browser downloads for one page, compressed: the bundle that
# has the page (its JavaScript and its wasm). Every bundle must fit.
over=0
sum=0
printf '%-14s %10s %10s %10s %10s %10s\n' bundle 'wasm raw' 'wasm gzip' 'js raw' 'js gzip' 'gzip'
for bundle in "${bundles[@]}"; do
  raw_wasm=$(stat -c %s "$dist/${bundle}_bg.wasm")
  raw_js=$(stat -c %s "$dist/$bundle.js")
  gz_wasm=$(gzip -9 -c "$dist/${bundle}_bg.wasm" | wc -c)
  gz_js=$(gzip -9 -c "$dist/$bundle.js" | wc -c)
  total=$((gz_wasm + gz_js))
  sum=$((sum + total))
  printf '%-14s %10d %10d %10d %10d %10d = %d KB\n' "$bundle" "$raw_wasm" "$gz_wasm" "$raw_js" "$gz_js" \
    "$total" $(((total + 1023) / 1024))
  if [ "$total" -gt $((budget_kb * 1024)) ]; then
    echo "$bundle is over the ${budget_kb} KB budget." >&2
    over=1
  fi
done
printf 'every bundle %d bytes gzip; budget %d KB a bundle\n' "$sum" "$budget_kb"
if [ "$over" -ne 0 ]; then
  exit 1
fi
echo "Built $dist"
