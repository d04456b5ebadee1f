//! Reads the sources named on the command line: files, folders and stdin.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kubecheck_core::model::InputError;
use kubecheck_core::Source;

/// Extensions read when walking a folder.
const MANIFEST_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Sources in a stable order, and sources that are not text (reported, not fatal).
pub struct Loaded {
    pub sources: Vec<Source>,
    pub unreadable: Vec<(String, InputError)>,
}

pub fn load(paths: &[PathBuf]) -> Result<Loaded> {
    let mut loaded = Loaded {
        sources: Vec::new(),
        unreadable: Vec::new(),
    };
    for path in paths {
        if path == Path::new("-") {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("reading stdin")?;
            add(&mut loaded, "<stdin>".into(), &bytes);
        } else if path.is_dir() {
            for file in walk(path)? {
                let bytes =
                    std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                add(&mut loaded, file.display().to_string(), &bytes);
            }
        } else {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            add(&mut loaded, path.display().to_string(), &bytes);
        }
    }
    Ok(loaded)
}

fn add(loaded: &mut Loaded, name: String, bytes: &[u8]) {
    match Source::from_bytes(name, bytes) {
        Ok(source) => loaded.sources.push(source),
        Err((name, error)) => loaded.unreadable.push((name, error)),
    }
}

/// Manifest files under `dir`, sorted, so output is the same on every machine. Hidden
/// files and folders are skipped: `.kubecheck.yaml`, `.github/workflows/*.yml` and the
/// like are YAML but not manifests.
fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let visible = |entry: &walkdir::DirEntry| {
        entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
    };
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(visible)
    {
        let entry = entry.with_context(|| format!("walking {}", dir.display()))?;
        let is_manifest = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| MANIFEST_EXTENSIONS.contains(&e));
        if entry.file_type().is_file() && is_manifest {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}
