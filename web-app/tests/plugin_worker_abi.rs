//! `static/plugin-worker.js` runs plugins in the page; it cannot import the Rust ABI
//! crate, so this test holds its names and limits to `kubecheck-plugin-abi`'s.

use kubecheck_core::plugin_abi::{
    limits, ABI_VERSION, EXPORT_INITIALIZE, EXPORT_MEMORY, IMPORT_LOG, REQUIRED_FUNCTIONS,
};

fn worker() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/static/plugin-worker.js");
    std::fs::read_to_string(path).expect("read plugin-worker.js")
}

/// The value of `const NAME = a * b * ...;` in the worker.
fn constant(source: &str, name: &str) -> u64 {
    let start = format!("const {name} = ");
    let line = source
        .lines()
        .find_map(|l| l.strip_prefix(&start))
        .unwrap_or_else(|| panic!("plugin-worker.js declares no `const {name}`"));
    line.trim_end_matches(';')
        .split('*')
        .map(|factor| factor.trim().parse::<u64>().expect("a product of integers"))
        .product()
}

#[test]
fn limits_are_the_abi_defaults() {
    let js = worker();
    assert_eq!(constant(&js, "MAX_OUTPUT"), limits::OUTPUT_BYTES as u64);
    assert_eq!(constant(&js, "MAX_MEMORY"), limits::MEMORY_BYTES as u64);
    assert_eq!(
        constant(&js, "MAX_LOGS"),
        limits::LOG_MESSAGES_PER_CALL as u64
    );
    assert_eq!(
        constant(&js, "MAX_LOG_BYTES"),
        limits::LOG_MESSAGE_BYTES as u64
    );
    assert_eq!(constant(&js, "ABI_VERSION"), ABI_VERSION as u64);
}

#[test]
fn exports_and_the_import_are_the_abi_names() {
    let js = worker();
    assert!(js.contains(&format!("['{EXPORT_MEMORY}', 'memory']")));
    for (name, _) in REQUIRED_FUNCTIONS {
        assert!(
            js.contains(&format!("['{name}', 'function']")),
            "plugin-worker.js does not require the export `{name}`"
        );
    }
    assert!(js.contains(&format!("instance.exports.{EXPORT_INITIALIZE}")));
    let (module, name) = IMPORT_LOG;
    assert!(js.contains(&format!("i.module === '{module}' && i.name === '{name}'")));
    assert!(js.contains(&format!("{{ {module}: {{ {name} }} }}")));
}
