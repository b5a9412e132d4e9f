//! What the benchmark prints: per step and overall, the hottest partitions (the table and each
//! index) and items with their writes, write units and units per second at the target rate,
//! then the time for 1,000,000 rows.

use crate::account::Step;
use crate::heat::{Tally, INDEXES, TABLE};
use crate::model::{depth, depth_at_million, Estimate, CHUNKS_AT_ONCE, LIMITS};
use std::collections::BTreeMap;

/// Rows per table of hottest keys.
pub const TOP: usize = 10;

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn flag(per_sec: f64) -> &'static str {
    if per_sec > LIMITS.partition_units {
        "  OVER 1,000/s"
    } else {
        ""
    }
}

fn places() -> impl Iterator<Item = &'static str> {
    std::iter::once(TABLE).chain(INDEXES.iter().map(|i| i.name))
}

pub fn step(s: &Step) {
    println!("\n== {} ({:.1} s) ==", s.name, s.seconds);
    println!("ran: {}", s.ran);
    println!(
        "judged at: {} (counts x {:.3} / {} s)",
        s.target,
        s.rate.scale(),
        s.rate.seconds
    );
    let requests: Vec<String> = s
        .requests
        .iter()
        .map(|(op, n)| format!("{op} {}", thousands(*n)))
        .collect();
    println!("requests: {}", requests.join(", "));
    for stage in &s.stages {
        let longest = stage.branches.iter().max().copied().unwrap_or(0);
        println!(
            "critical path: {}: {} branch(es), longest {} sequential requests",
            stage.name,
            thousands(stage.branches.len() as u64),
            thousands(longest)
        );
    }
    if s.stages.len() > 1 {
        println!(
            "critical path of this run, its branches side by side: {} sequential requests",
            thousands(depth(&s.stages))
        );
    }
    for place in places() {
        let total = s.heat.total(Some(place));
        println!(
            "  {place}: {} writes, {} units in all",
            thousands(total.writes),
            thousands(total.units)
        );
        for (key, t) in s.heat.hottest_partitions(place, TOP) {
            row(&key, t, s.rate.per_sec(t.units));
        }
    }
    println!("  hottest items (table and indexes):");
    for (place, item, t) in s.heat.hottest_items(TOP) {
        row(&format!("{place}: {item}"), t, s.rate.per_sec(t.units));
    }
}

fn row(key: &str, t: Tally, per_sec: f64) {
    let key = if key.chars().count() > 70 {
        format!("{}...", key.chars().take(67).collect::<String>())
    } else {
        key.to_owned()
    };
    println!(
        "    {key:<70} {:>9} writes {:>10} units {:>10.1} units/s{}",
        thousands(t.writes),
        thousands(t.units),
        per_sec,
        flag(per_sec)
    );
}

/// Every step at its target rate at once: each partition's and item's units per second summed.
pub fn overall(steps: &[Step]) {
    println!("\n== overall: every step at its target rate at once ==");
    let mut partitions: BTreeMap<(String, String), f64> = BTreeMap::new();
    let mut items: BTreeMap<(String, String), f64> = BTreeMap::new();
    for s in steps {
        for ((place, key), t) in &s.heat.partitions {
            *partitions.entry((place.clone(), key.clone())).or_default() += s.rate.per_sec(t.units);
        }
        // Items: each step's hottest hundred (an item outside every step's hundred is cool).
        for (place, item, t) in s.heat.hottest_items(100) {
            *items.entry((place, item)).or_default() += s.rate.per_sec(t.units);
        }
    }
    println!("  hottest partitions (table and indexes), units/s:");
    for ((place, key), per_sec) in top(partitions) {
        println!(
            "    {:<78} {per_sec:>10.1}{}",
            format!("{place}: {key}"),
            flag(per_sec)
        );
    }
    println!("  hottest items, units/s:");
    for ((place, item), per_sec) in top(items) {
        let name = format!("{place}: {item}");
        let name: String = name.chars().take(78).collect();
        println!("    {name:<78} {per_sec:>10.1}{}", flag(per_sec));
    }
}

fn top(map: BTreeMap<(String, String), f64>) -> Vec<((String, String), f64)> {
    let mut rows: Vec<_> = map.into_iter().collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows.truncate(TOP);
    rows
}

/// The time for 1,000,000 rows, from the import step's counts.
pub fn estimate(import: &Step, rows: u64, rows_per_chunk: u64) {
    let mut hottest = (String::new(), Tally::default());
    for place in places() {
        if let Some((key, t)) = hottest_of(import, place) {
            if t.units > hottest.1.units {
                hottest = (format!("{place}: {key}"), t);
            }
        }
    }
    // The busiest of the table and its indexes, each with its own warm throughput.
    let busiest = places()
        .map(|place| (place, import.heat.total(Some(place)).units))
        .max_by_key(|(_, units)| *units)
        .unwrap_or(("table", 0));
    let depth = depth_at_million(&import.stages, rows, rows_per_chunk);
    let e = Estimate::million_rows(rows, hottest.1.units, busiest.1, depth);
    let scale = 1_000_000.0 / rows.max(1) as f64;
    println!("\n== 1,000,000 rows from DynamoDB's published limits ==");
    println!(
        "  hottest partition {}: {:.0} units / {:.0} per s = {:.0} s",
        hottest.0,
        hottest.1.units as f64 * scale,
        LIMITS.partition_units,
        e.hot_key_seconds
    );
    for place in places() {
        println!(
            "  {place}: {:.0} units / {:.0} per s (new on-demand, its own warm throughput) = {:.0} s",
            import.heat.total(Some(place)).units as f64 * scale,
            LIMITS.new_table_units,
            import.heat.total(Some(place)).units as f64 * scale / LIMITS.new_table_units
        );
    }
    println!(
        "  critical path: {:.0} sequential requests x {:.0} ms = {:.0} s (the chunks {} at a time)",
        depth,
        LIMITS.request_seconds * 1000.0,
        e.depth_seconds,
        CHUNKS_AT_ONCE
    );
    println!(
        "  => {:.0} s = {:.1} minutes, bound by {} (aim: 15 minutes; transactions hold at most {} items)",
        e.seconds(),
        e.seconds() / 60.0,
        e.bound(),
        LIMITS.transaction_items
    );
}

fn hottest_of(step: &Step, place: &str) -> Option<(String, Tally)> {
    step.heat.hottest_partitions(place, 1).into_iter().next()
}
