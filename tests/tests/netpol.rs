//! `kubecheck netpol` on the hand-built microservice example
//! (`examples/manifests/network/microservices.yaml`, whose comments give the reason for
//! every edge): every cell of the matrix, and one question answered with its rules.

use kubecheck_tests::run_kubecheck;
use serde_json::Value;

const EXAMPLE: &str = "examples/manifests/network/microservices.yaml";

/// The example of this checkout, by absolute path: several checkouts may share a build.
fn example() -> String {
    format!("{}/../{EXAMPLE}", env!("CARGO_MANIFEST_DIR"))
}

fn json(args: &[&str]) -> Value {
    let output = run_kubecheck(args, None);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn the_matrix_of_the_example_is_right_in_every_cell() {
    let report = json(&["netpol", "--format", "json", &example()]);
    let workloads = [
        "shop/frontend",
        "shop/checkout",
        "shop/catalog",
        "data/postgres",
        "data/redis",
        "data/backup",
    ];
    assert_eq!(report["workloads"], serde_json::json!(workloads));
    // Rows: outside, then the workloads in order; columns: the workloads. "all": every
    // declared port; "-": none; a number: that port only.
    let expected = [
        ["all", "-", "-", "-", "-", "-"],      // outside
        ["all", "all", "all", "-", "-", "-"],  // frontend
        ["-", "all", "-", "5432", "all", "-"], // checkout
        ["-", "-", "all", "5432", "-", "-"],   // catalog
        ["-", "-", "-", "all", "-", "-"],      // postgres
        ["-", "-", "-", "-", "all", "-"],      // redis
        ["-", "-", "-", "5432", "-", "all"],   // backup
    ];
    let cells = report["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 7 * 6);
    let sources: Vec<&str> = std::iter::once("outside").chain(workloads).collect();
    for (r, row) in expected.iter().enumerate() {
        for (c, want) in row.iter().enumerate() {
            let cell = &cells[r * 6 + c];
            assert_eq!(cell["from"], sources[r]);
            assert_eq!(cell["to"], workloads[c]);
            let got = match cell["reach"].as_str().unwrap() {
                "all" => "all".to_owned(),
                "none" => "-".to_owned(),
                "ports" => cell["ports"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_owned(),
            };
            assert_eq!(got, *want, "{} -> {}", sources[r], workloads[c]);
        }
    }
}

#[test]
fn one_question_is_answered_with_the_located_rules() {
    let answer = json(&[
        "netpol",
        "--format",
        "json",
        &example(),
        "--from",
        "shop/checkout",
        "--to",
        "postgres",
        "--port",
        "5432",
    ]);
    assert_eq!(answer["allowed"], true);
    assert_eq!(answer["egress"]["verdict"], "allowed");
    assert_eq!(
        answer["egress"]["rules"][0]["policy"],
        "NetworkPolicy/shop/checkout-egress"
    );
    assert_eq!(answer["egress"]["rules"][0]["pointer"], "/spec/egress/0");
    assert_eq!(
        answer["ingress"]["rules"][0]["policy"],
        "NetworkPolicy/data/postgres"
    );
    let location = answer["ingress"]["rules"][0]["location"].as_str().unwrap();
    assert!(location.contains(&format!("{EXAMPLE}:")), "{location}");

    // The metrics port is not allowed: postgres's policies isolate it and say why.
    let answer = json(&[
        "netpol",
        "--format",
        "json",
        &example(),
        "--from",
        "shop/checkout",
        "--to",
        "data/postgres",
        "--port",
        "9187",
    ]);
    assert_eq!(answer["allowed"], false);
    assert_eq!(answer["ingress"]["verdict"], "denied");
    let policies: Vec<&str> = answer["ingress"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["policy"].as_str().unwrap())
        .collect();
    assert_eq!(
        policies,
        [
            "NetworkPolicy/data/default-deny-ingress",
            "NetworkPolicy/data/postgres"
        ]
    );
}

#[test]
fn an_unknown_workload_is_a_usage_error() {
    let output = run_kubecheck(
        &["netpol", &example(), "--from", "nope", "--to", "redis"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no workload `nope`"));
}
