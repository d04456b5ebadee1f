//! The NetworkPolicy model and the network rules on generated inputs: N workloads and N
//! policies across 50 namespaces, N = 200 and 2,000. Run with
//! `cargo bench -p kubecheck-core --bench netpol`; not part of `cargo test`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kubecheck_core::netpol::policy::Direction;
use kubecheck_core::netpol::Network;
use kubecheck_core::{check, Input, Options, Source};

const NAMESPACES: usize = 50;

/// N Deployments and N NetworkPolicies spread over the namespaces: each policy selects
/// one app, allows it from the namespace's other apps and from one labelled namespace,
/// on a named and a numbered port; every tenth namespace has a default deny.
fn generate(n: usize) -> String {
    let mut yaml = String::new();
    for ns in 0..NAMESPACES {
        yaml.push_str(&format!(
            "---\n{{apiVersion: v1, kind: Namespace, metadata: {{name: ns{ns}, labels: {{team: t{}}}}}}}\n",
            ns % 7
        ));
        if ns % 10 == 0 {
            yaml.push_str(&format!(
                "---\n{{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: deny, namespace: ns{ns}}}, spec: {{podSelector: {{}}, policyTypes: [Ingress, Egress]}}}}\n"
            ));
        }
    }
    for i in 0..n {
        let ns = i % NAMESPACES;
        yaml.push_str(&format!(
            "---\n{{apiVersion: apps/v1, kind: Deployment, metadata: {{name: w{i}, namespace: ns{ns}}}, spec: {{selector: {{matchLabels: {{app: a{i}}}}}, template: {{metadata: {{labels: {{app: a{i}, tier: t{}}}}}, spec: {{containers: [{{name: c, image: img:1.0, ports: [{{name: http, containerPort: 8080}}, {{containerPort: 5432}}]}}]}}}}}}}}\n",
            i % 3
        ));
        yaml.push_str(&format!(
            "---\n{{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: p{i}, namespace: ns{ns}}}, spec: {{podSelector: {{matchLabels: {{app: a{i}}}}}, ingress: [{{from: [{{podSelector: {{matchExpressions: [{{key: tier, operator: In, values: [t0, t1]}}]}}}}, {{namespaceSelector: {{matchLabels: {{team: t{}}}}}}}], ports: [{{port: http}}, {{port: 5432}}]}}], egress: [{{to: [{{namespaceSelector: {{}}, podSelector: {{matchLabels: {{tier: t2}}}}}}]}}]}}}}\n",
            i % 7
        ));
    }
    yaml
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("netpol");
    group.sample_size(10);
    for n in [200, 2_000] {
        let yaml = generate(n);
        let input = Input::parse(vec![Source::new("gen.yaml", yaml.clone())]);
        let (objects, errors) = input.objects();
        assert!(errors.is_empty());
        group.bench_with_input(BenchmarkId::new("model", n), &objects, |b, objects| {
            b.iter(|| {
                let network = Network::build(objects);
                (0..network.workloads.len())
                    .filter(|&w| network.isolating(w, Direction::Ingress).is_empty())
                    .count()
            })
        });
        // The whole check with the network rules, and the same check with one cheap
        // per-object rule: the difference is what the network rules cost over parsing.
        for (name, rule) in [
            ("network-rules", "network"),
            ("parse-only", "latest-image-tag"),
        ] {
            let options = Options {
                only: vec![rule.to_owned()],
                ..Options::default()
            };
            group.bench_with_input(BenchmarkId::new(name, n), &yaml, |b, yaml| {
                b.iter(|| {
                    check(vec![Source::new("gen.yaml", yaml.clone())], &options)
                        .findings
                        .len()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
