#!/usr/bin/env python3
"""What a binary's code is made of, by crate (what `cargo bloat --crates` shows, without it).

Usage: dev/crate-sizes.py BINARY [TOP]
BINARY must keep its symbols: relink only the final crate without stripping, e.g.
  cargo rustc --release -p admin-api --bin admin-api -- -C strip=none
(the dependencies stay as built; the next plain build relinks the stripped binary).
Sizes are the symbols' sizes (nm -S) in the text and read-only data sections; C code of
aws-lc-sys (and libc) shows as "[C: aws-lc, libc]"; the rest of the file (relocations, unwind tables, symbol-less
data) is the difference to the file size.
"""
import collections, os, re, subprocess, sys

binary = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
out = subprocess.run(["nm", "-S", "--size-sort", "-C", binary], capture_output=True, text=True, check=True).stdout
sizes = collections.Counter()
for line in out.splitlines():
    parts = line.split(None, 3)
    if len(parts) < 4:
        continue
    size, kind, name = int(parts[1], 16), parts[2], parts[3]
    if kind.lower() not in "trd":
        continue
    # <aws_sdk_s3::Foo as core::fmt::Debug>::fmt -> aws_sdk_s3; core::ptr::drop_in_place<..> -> core
    m = re.match(r"^[<&\s]*(?:dyn )?(?:_<)?([A-Za-z_][A-Za-z0-9_]*)::", name)
    if m:
        crate = m.group(1)
    elif name.startswith("<"):
        crate = "[impls on references and generics]"
    elif name.startswith("anon."):
        crate = "[anonymous constants]"
    else:
        # No Rust path: C and assembly, nearly all aws-lc (aws_lc_*, s2n-bignum, chacha, ML-DSA)
        crate = "[C: aws-lc, libc]"
    sizes[crate] += size
total = sum(sizes.values())
file_size = os.path.getsize(binary)
print(f"{binary}: file {file_size:,} B, symbols {total:,} B")
for crate, size in sizes.most_common(top):
    print(f"{size:12,} {100 * size / total:5.1f}%  {crate}")
