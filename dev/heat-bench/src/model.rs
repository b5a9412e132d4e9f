//! The model: what the counted writes take per second at the target rates, the critical path's
//! depth, and the time for 1,000,000 rows under DynamoDB's published limits. Pure functions.

/// DynamoDB's published limits, and the latency this model assumes per sequential request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Write units a second one partition takes (the same for its items).
    pub partition_units: f64,
    /// Write units a second a new on-demand table takes until it has grown.
    pub new_table_units: f64,
    /// Items in one TransactWriteItems.
    pub transaction_items: u32,
    /// Seconds per request on the critical path (a transaction of ~100 items: ~20 ms).
    pub request_seconds: f64,
}

pub const LIMITS: Limits = Limits {
    partition_units: 1_000.0,
    new_table_units: 4_000.0,
    transaction_items: 100,
    request_seconds: 0.020,
};

/// The target: 1,000,000 rows imported within 15 minutes.
pub const TARGET_ROWS: f64 = 1_000_000.0;
pub const TARGET_SECONDS: f64 = 900.0;

/// How a step's counts become a rate: counts from `measured` units of work, the target being
/// `target` units in `seconds` (rows imported, enrolments, mails).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub measured: f64,
    pub target: f64,
    pub seconds: f64,
}

impl Rate {
    /// 1,000,000 rows in 15 minutes, from a run of `rows`.
    pub fn import(rows: u64) -> Self {
        Self {
            measured: rows as f64,
            target: TARGET_ROWS,
            seconds: TARGET_SECONDS,
        }
    }

    /// `target` per second, from a run of `measured` (mails, enrolments).
    pub fn per_second(measured: u64, target: f64) -> Self {
        Self {
            measured: measured as f64,
            target,
            seconds: 1.0,
        }
    }

    /// The counts of the run scaled to the target: the factor counts are multiplied by.
    pub fn scale(&self) -> f64 {
        self.target / self.measured.max(1.0)
    }

    /// What `count` (of the run) takes per second at the target rate.
    pub fn per_sec(&self, count: u64) -> f64 {
        count as f64 * self.scale() / self.seconds
    }
}

/// One stage of the critical path: branches that run side by side (chunk invocations); the
/// stage takes as long as its longest branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub name: String,
    /// Each branch's depth in sequential requests.
    pub branches: Vec<u64>,
}

/// The critical path's depth: the stages one after another, each its longest branch.
pub fn depth(stages: &[Stage]) -> u64 {
    stages
        .iter()
        .map(|s| s.branches.iter().copied().max().unwrap_or(0))
        .sum()
}

/// Chunk runs at once: the import function's SQS trigger's `MaximumConcurrency`
/// (infra/template.yaml).
pub const CHUNKS_AT_ONCE: u64 = 20;

/// The critical path of 1,000,000 rows in sequential requests, from a run of `rows` whose
/// stages are as `steps::import` returns them: one invocation (scaled with the rows), or the
/// planner (scaled with the rows: it reads the whole file) then the chunks, which run
/// `CHUNKS_AT_ONCE` at a time in waves, a chunk of production's size taking the longest
/// measured chunk's depth scaled from its `rows_per_chunk`.
pub fn depth_at_million(stages: &[Stage], rows: u64, rows_per_chunk: u64) -> f64 {
    let scale = TARGET_ROWS / rows.max(1) as f64;
    let longest = |s: &Stage| s.branches.iter().copied().max().unwrap_or(0) as f64;
    match stages {
        [chunks_not_split] => longest(chunks_not_split) * scale,
        [planner, chunks, ..] => {
            let production = import::plan::ROWS_PER_CHUNK as f64;
            let chunk = longest(chunks) * production / rows_per_chunk.max(1) as f64;
            let waves = (TARGET_ROWS / production).ceil() / CHUNKS_AT_ONCE as f64;
            longest(planner) * scale + waves.ceil() * chunk
        }
        [] => 0.0,
    }
}

/// The time for 1,000,000 rows and what bounds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The hottest partition's write units for 1M rows / the partition's rate.
    pub hot_key_seconds: f64,
    /// The busiest of the table and its indexes: its write units for 1M rows / a new
    /// on-demand table's (or index's) rate. Each index has its own warm throughput, 4,000
    /// write units a second when new, as the table has (DynamoDB's "warm throughput").
    pub table_seconds: f64,
    /// The critical path's requests for 1M rows, one after another.
    pub depth_seconds: f64,
}

impl Estimate {
    /// From a run of `rows`: the hottest partition's units, the busiest table or index's
    /// units, and the critical path's depth at 1M rows.
    pub fn million_rows(rows: u64, hot_units: u64, busiest_units: u64, depth: f64) -> Self {
        let scale = TARGET_ROWS / rows.max(1) as f64;
        Self {
            hot_key_seconds: hot_units as f64 * scale / LIMITS.partition_units,
            table_seconds: busiest_units as f64 * scale / LIMITS.new_table_units,
            depth_seconds: depth * LIMITS.request_seconds,
        }
    }

    pub fn seconds(&self) -> f64 {
        self.hot_key_seconds
            .max(self.table_seconds)
            .max(self.depth_seconds)
    }

    /// Which of the three bounds it.
    pub fn bound(&self) -> &'static str {
        let s = self.seconds();
        if s == self.hot_key_seconds {
            "the hottest partition"
        } else if s == self.table_seconds {
            "a new table's (or index's) rate"
        } else {
            "the critical path's depth"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_figure_comes_out_of_the_model() {
        // Issue 33 from the code: ~10,205 transactions of ~208 units, all on CONTRACT#<id>.
        let rows = 100_000;
        let hot = 1_020 * 208;
        let e = Estimate::million_rows(rows, hot, hot * 2, 11_270.0);
        assert!((e.hot_key_seconds - 2_121.6).abs() < 0.1, "{e:?}");
        assert_eq!(e.bound(), "the hottest partition");
        assert!((e.seconds() / 60.0 - 35.4).abs() < 0.1);
    }

    #[test]
    fn rates_scale_the_run_to_the_target() {
        let import = Rate::import(100_000);
        assert!((import.per_sec(900) - 10.0).abs() < 1e-9);
        let mails = Rate::per_second(10_000, 1_000.0);
        assert!((mails.per_sec(20_000) - 2_000.0).abs() < 1e-9);
        let stages = [
            Stage {
                name: "planner".into(),
                branches: vec![3],
            },
            Stage {
                name: "chunks".into(),
                branches: vec![40, 55, 38],
            },
            Stage {
                name: "finisher".into(),
                branches: vec![4],
            },
        ];
        assert_eq!(depth(&stages), 62);
    }

    #[test]
    fn a_fanned_out_path_runs_its_chunks_in_waves() {
        let one = [Stage {
            name: "one invocation".into(),
            branches: vec![3_179],
        }];
        assert!((depth_at_million(&one, 100_000, 20_000) - 31_790.0).abs() < 1e-6);
        let fanned = [
            Stage {
                name: "planner".into(),
                branches: vec![10],
            },
            Stage {
                name: "chunks".into(),
                branches: vec![600, 640, 620],
            },
        ];
        // 50 production chunks, 20 at once: 3 waves of the longest chunk, at its own size
        // (x1) and at a tenth of it (x10), after the planner scaled to 1M rows.
        assert!((depth_at_million(&fanned, 100_000, 20_000) - (100.0 + 3.0 * 640.0)).abs() < 1e-6);
        assert!(
            (depth_at_million(&fanned, 10_000, 2_000) - (1_000.0 + 3.0 * 6_400.0)).abs() < 1e-6
        );
    }
}
