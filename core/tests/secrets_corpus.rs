//! The secrets corpus (`fixtures/secrets-corpus/`): every detector of the table finds its
//! true positive in `positives.yaml` and nothing else there, and nothing at all is found
//! in `negatives.yaml`, which holds at least as many look-alikes (placeholders,
//! references, public certificates, UUIDs, hashes, base64 of ordinary text, image
//! digests, ciphertext).

use std::collections::BTreeSet;
use std::path::PathBuf;

use kubecheck_core::rules::secrets::detectors::DETECTORS;
use kubecheck_core::rules::secrets::scan::{scan_object, EVERY_PLACE};
use kubecheck_core::{Input, Source};

fn corpus(file: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/secrets-corpus")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Detector ids found in each object, by object name, and the secrets found.
fn scan(name: &str, text: &str) -> (Vec<(String, BTreeSet<&'static str>)>, BTreeSet<String>) {
    let input = Input::parse(vec![Source::new(name, text)]);
    let (objects, errors) = input.objects();
    assert!(errors.is_empty(), "{name}: {errors:?}");
    let mut secrets = BTreeSet::new();
    let found = objects
        .iter()
        .map(|object| {
            let mut ids = BTreeSet::new();
            for found in scan_object(object, EVERY_PLACE) {
                for hit in &found.hits {
                    ids.insert(hit.detector);
                    secrets.insert(found.secret(hit).to_owned());
                }
            }
            (object.name().unwrap_or_default().to_owned(), ids)
        })
        .collect();
    (found, secrets)
}

/// The `# expect:` line of each document, in order.
fn expectations(text: &str) -> Vec<BTreeSet<&str>> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect:"))
        .map(|ids| ids.split_whitespace().collect())
        .collect()
}

#[test]
fn every_detector_finds_its_true_positive_and_nothing_else() {
    let text = corpus("positives.yaml");
    let (found, _) = scan("positives.yaml", &text);
    let expected = expectations(&text);
    assert_eq!(found.len(), expected.len(), "one `# expect:` per document");
    for ((name, ids), expected) in found.iter().zip(&expected) {
        assert!(name.starts_with("tp-"), "{name}");
        assert_eq!(ids, expected, "{name}");
    }
    let covered: BTreeSet<&str> = expected.iter().flatten().copied().collect();
    for detector in DETECTORS {
        assert!(
            covered.contains(detector.id),
            "no true positive of `{}`",
            detector.id
        );
    }
    assert!(
        covered.contains("credential-name"),
        "no true positive of the name-based detection"
    );
}

#[test]
fn look_alikes_are_never_found_and_outnumber_the_true_positives() {
    let (found, secrets) = scan("negatives.yaml", &corpus("negatives.yaml"));
    let false_positives: Vec<_> = found.iter().filter(|(_, ids)| !ids.is_empty()).collect();
    assert!(
        false_positives.is_empty(),
        "{false_positives:?}: {secrets:?}"
    );
    for (name, _) in &found {
        assert!(name.starts_with("tn-"), "{name}");
    }
    // Look-alike values (one per line holding a value), against true positives.
    let text = corpus("negatives.yaml");
    let look_alikes = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && (l.contains(": ") || l.contains("value:")))
        .count();
    let positives = expectations(&corpus("positives.yaml")).len();
    assert!(
        look_alikes >= positives,
        "{look_alikes} look-alikes, {positives} positives"
    );
}

#[test]
fn secrets_txt_lists_what_the_detectors_find() {
    let (_, secrets) = scan("positives.yaml", &corpus("positives.yaml"));
    let listed: Vec<String> = corpus("secrets.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_owned)
        .collect();
    // Each listed secret (a PEM key by a line of its body) is within a found secret.
    for line in &listed {
        assert!(
            secrets.iter().any(|s| s.contains(line.as_str())),
            "{line} is listed but not found"
        );
    }
    for secret in &secrets {
        assert!(
            listed.iter().any(|l| secret.contains(l.as_str())),
            "{secret} is found but not listed"
        );
    }
}
