//! A plugin's output document, as the host takes it: parsed, validated against the
//! plugin's rules and the run's resources, then reported (fixes and related places
//! located) and rendered. A plugin is untrusted: no output may crash the host.
#![no_main]

use kubecheck_core::plugin_abi::{self, CheckOutput};
use kubecheck_core::{Input, Session, Source};
use libfuzzer_sys::fuzz_target;

/// Two objects for findings to point into: a Deployment and a ConfigMap with a multi-line
/// value, so `within` ranges and fixes have somewhere to land.
const MANIFESTS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx
        env: [{name: A, value: \"x\"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data:
  script: |
    echo one
    echo two
";

const METADATA: &[u8] = br#"{"name":"acme","version":"1","rules":[
  {"id":"r1","title":"t","category":"patching","severity":"low"},
  {"id":"r2","title":"t","category":"secrets","severity":"high"}]}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(output) = CheckOutput::parse(data) else {
        return;
    };
    let metadata = plugin_abi::parse_metadata(METADATA).expect("valid metadata");
    let input = Input::parse(vec![Source::new("m.yaml", MANIFESTS)]);
    let options = kubecheck_fuzz::options();
    let session = Session::new(&input, &options);
    let objects: Vec<serde_json::Value> = session.objects.iter().map(|o| o.to_json()).collect();
    let resolves = |id: u64, path: &str| objects[id as usize].pointer(path).is_some();
    if output.validate(&metadata, objects.len(), resolves).is_err() {
        return;
    }
    let rules = plugin_abi::rule_infos(&metadata, "acme");
    kubecheck_fuzz::check_and_render(&input, plugin_abi::into_raw(output, "acme"), &rules);
});
