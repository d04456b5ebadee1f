//! `kubecheck check --engine wasm`: the built-in rules run from the core compiled to
//! wasm (`builtin-plugin/`, embedded at build time, see `build.rs`) in the same
//! sandbox as third-party plugins, instead of natively.
//!
//! The module gets every object as JSON, like any plugin, plus in its settings the text
//! of the scalars JSON would change (`1e3`, `yes`: see `kubecheck_core::objects`). Rules
//! that read the source text rather than the objects (`objects::SOURCE_RULES`: duplicate
//! keys, which JSON cannot hold) still run natively; together the two give exactly the
//! findings of the native engine (`tests/tests/wasm_engine_parity.rs`).

use std::time::Duration;

use anyhow::{bail, Context, Result};
use kubecheck_core::objects::ObjectJson;
use kubecheck_core::plugin_abi::{AbiError, CheckInput, CheckOutput, Resource};
use kubecheck_core::rules::RawFinding;
use kubecheck_core::Session;
use serde_json::{json, Value as Json};

use crate::plugin::{Limits, PluginRuntime};

#[cfg(kubecheck_builtin_wasm)]
const BUNDLED: Option<&[u8]> = Some(include_bytes!(env!("KUBECHECK_BUILTIN_WASM")));
#[cfg(not(kubecheck_builtin_wasm))]
const BUNDLED: Option<&[u8]> = None;

/// The limits of the core module: it is kubecheck's own code, so they only guard
/// against a runaway, and must fit the largest inputs (the whole run is one call) and a
/// debug build's compilation of a megabyte module.
const LIMITS: Limits = Limits {
    fuel: u64::MAX,
    timeout: Duration::from_secs(600),
    memory_bytes: 4 << 30,
    output_bytes: 1 << 30,
    compile_timeout: Duration::from_secs(600),
    compile_memory_bytes: 8 << 30,
};

/// The built-in findings of `session`, computed by the bundled core wasm.
pub fn run(session: &Session<'_>, runtime: &PluginRuntime) -> Result<Vec<RawFinding>> {
    let Some(wasm) = BUNDLED else {
        bail!("built without the bundled core wasm; run scripts/build-plugins.sh, then rebuild kubecheck");
    };
    let plugin = runtime
        .load(wasm, LIMITS)
        .context("loading the bundled core wasm")?;
    // The objects are serialised straight from the parsed trees: the corpus is megabytes,
    // and building it as JSON values first would double the work.
    let resources: Vec<Resource<ObjectJson<'_>>> = session
        .objects
        .iter()
        .map(|object| Resource {
            id: object.id as u64,
            source: session
                .input
                .sources
                .get(object.source)
                .map_or_else(String::new, |s| s.name.clone()),
            object: ObjectJson(object),
        })
        .collect();
    let scalar_texts: serde_json::Map<String, Json> = session
        .objects
        .iter()
        .filter_map(|object| {
            let texts = kubecheck_core::objects::scalar_texts(object.node);
            (!texts.is_empty()).then(|| (object.id.to_string(), json!(texts)))
        })
        .collect();
    let contexts: serde_json::Map<String, Json> = if session.contexts > 1 {
        session
            .objects
            .iter()
            .filter_map(|object| {
                let context = session.input.sources.get(object.source)?.context.clone()?;
                Some((object.id.to_string(), Json::String(context)))
            })
            .collect()
    } else {
        serde_json::Map::new()
    };
    let mut settings =
        json!({"options": session.options, "scalarTexts": scalar_texts, "contexts": contexts});
    // Patches and fragments, as the host judged them from the whole input.
    let partial: Vec<u64> = session
        .objects
        .iter()
        .filter(|object| object.partial)
        .map(|object| object.id as u64)
        .collect();
    if !partial.is_empty() {
        settings["partial"] = json!(partial);
    }
    let input = CheckInput::new(settings, resources);
    let output = plugin
        .check_raw(&serde_json::to_vec(&input)?)
        .context("running the bundled core wasm")?;
    let findings = match CheckOutput::parse(&output) {
        Ok(output) => output.findings,
        Err(AbiError::Reported(error)) => bail!("the bundled core wasm failed: {error}"),
        Err(e) => bail!("the bundled core wasm returned an unreadable output: {e}"),
    };
    // A finding's own severity (evidence-based), its related places and folded rules
    // all cross the ABI.
    let mut raw: Vec<RawFinding> = findings
        .into_iter()
        .filter_map(kubecheck_core::plugin_abi::from_abi)
        .collect();
    raw.extend(kubecheck_core::objects::run_source_rules(session));
    Ok(raw)
}

/// `kubecheck --version`: the package version and the sha256 of the embedded core wasm.
pub const VERSION: &str = env!("KUBECHECK_VERSION");
