//! `check` on YAML streams built from a grammar of Kubernetes-shaped documents.
#![no_main]

use kubecheck_core::Source;
use kubecheck_fuzz::Stream;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|stream: Stream| {
    kubecheck_fuzz::check_sources(vec![Source::new("grammar.yaml", stream.to_yaml())]);
});
