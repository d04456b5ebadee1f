//! The check as the input grows: generated clusters of 10, 100, 1,000 and 10,000
//! workloads with proportional namespaces, policies, roles and bindings
//! (`kubecheck_tests::cluster`). Parse only, parse and every rule, each rule family, and
//! the two cross-object models (RBAC, NetworkPolicy) on their own. Run with
//! `cargo bench -p kubecheck-core --bench scale` (`SCALE_WORKLOADS=10,100` for fewer
//! sizes); not part of `cargo test`. One thread: the core has none.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use kubecheck_core::netpol::Network;
use kubecheck_core::rbac::Rbac;
use kubecheck_core::{check, Input, Options, Source};

/// The rule families, as `--only` selects them.
const FAMILIES: &[&str] = &[
    "pod-security",
    "rbac",
    "network",
    "secrets",
    "encryption",
    "patching",
    "manifest",
];

fn sizes() -> Vec<usize> {
    std::env::var("SCALE_WORKLOADS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10, 100, 1_000, 10_000])
}

fn all_rules() -> Options {
    Options {
        enable: vec!["all".to_owned()],
        ..Options::default()
    }
}

fn bench(c: &mut Criterion) {
    for n in sizes() {
        let yaml = kubecheck_tests::cluster(n);
        let sources = || vec![Source::new("cluster.yaml", yaml.clone())];
        let mut group = c.benchmark_group(format!("scale/{n}"));
        group.sample_size(10);
        group.throughput(Throughput::Bytes(yaml.len() as u64));
        group.bench_function("parse", |b| {
            b.iter(|| Input::parse(sources()).documents.len())
        });
        let options = all_rules();
        group.bench_function("check", |b| {
            b.iter(|| check(sources(), &options).findings.len())
        });
        for family in FAMILIES {
            let options = Options {
                only: vec![(*family).to_owned()],
                ..all_rules()
            };
            group.bench_with_input(BenchmarkId::new("family", family), &options, |b, o| {
                b.iter(|| check(sources(), o).findings.len())
            });
        }
        let input = Input::parse(sources());
        let (objects, errors) = input.objects();
        assert!(errors.is_empty(), "{errors:?}");
        group.bench_function("rbac-model", |b| {
            b.iter(|| Rbac::new(&objects).bindings.len())
        });
        group.bench_function("netpol-model", |b| {
            b.iter(|| Network::build(&objects).workloads.len())
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
