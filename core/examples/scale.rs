//! One row of `scripts/bench-scale.sh`: writes the generated cluster of WORKLOADS
//! workloads (`kubecheck_tests::cluster`) to OUT for the command-line runs, and prints
//! the median time of the bare span-aware parse (`Input::parse`) and of the whole check
//! with every rule (parse, rules, report), both on one thread, and the objects checked:
//! `<parse seconds> <check seconds> <objects>`.
//!
//!   cargo run --release -p kubecheck-core --example scale -- WORKLOADS OUT [RUNS]

use std::time::{Duration, Instant};

use kubecheck_core::{check, Input, Options, Source};

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(workloads), Some(out)) = (args.first().and_then(|n| n.parse().ok()), args.get(1))
    else {
        eprintln!("usage: scale WORKLOADS OUT [RUNS]");
        std::process::exit(2);
    };
    let runs = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(5);
    let yaml = kubecheck_tests::cluster(workloads);
    std::fs::write(out, &yaml).expect("write the generated cluster");
    let sources = || vec![Source::new("cluster.yaml", yaml.clone())];
    let options = Options {
        enable: vec!["all".to_owned()],
        ..Options::default()
    };
    let mut objects = 0;
    let parse = median(runs, || {
        std::hint::black_box(Input::parse(sources()));
    });
    let full = median(runs, || {
        objects = std::hint::black_box(check(sources(), &options))
            .summary
            .resources;
    });
    println!(
        "{:.6} {:.6} {objects}",
        parse.as_secs_f64(),
        full.as_secs_f64()
    );
}
