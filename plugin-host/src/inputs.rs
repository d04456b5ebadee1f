//! Reads the sources named on the command line: files, folders and stdin.
//!
//! Nothing here ends a run or is skipped unnoticed: an input that cannot be read (missing,
//! unreadable, not a regular file, over the size limit, a symlink loop) becomes an error
//! in the report, naming its path, and every other input is still checked.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use kubecheck_core::model::InputError;
use kubecheck_core::yaml::Pos;
use kubecheck_core::Source;

use crate::read_limit::{read_bounded, read_to_limit, ReadError};

/// Extensions read when walking a folder.
const MANIFEST_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// The default of `--max-input-bytes`: the largest file or stdin read.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 64 << 20;

/// Sources in a stable order, and the inputs that could not be read (reported, not fatal).
#[derive(Default)]
pub struct Loaded {
    pub sources: Vec<Source>,
    pub unreadable: Vec<(String, InputError)>,
}

impl Loaded {
    fn add(&mut self, name: String, read: Result<Vec<u8>, ReadError>) {
        self.push(decoded(name, read));
    }

    fn push(&mut self, decoded: Result<Source, (String, InputError)>) {
        match decoded {
            Ok(source) => self.sources.push(source),
            Err(unreadable) => self.unreadable.push(unreadable),
        }
    }
}

/// The source `read` from the input `name`, or what keeps it from being one.
fn decoded(name: String, read: Result<Vec<u8>, ReadError>) -> Result<Source, (String, InputError)> {
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge { limit }) => {
            let message = ReadError::TooLarge { limit }.to_string();
            let message = format!("{message}: not checked (raise it with `--max-input-bytes`)");
            return Err((name, whole_input_error(message)));
        }
        Err(error) => return Err((name, whole_input_error(error.to_string()))),
    };
    Source::from_bytes(name, &bytes)
}

/// An error about a whole input: it has no position of its own.
fn whole_input_error(message: String) -> InputError {
    InputError {
        source: 0,
        document: None,
        pos: Pos { line: 1, column: 1 },
        message,
    }
}

/// [`load_with`] the default size limit, for a tool that needs every input (`plugin
/// bench`): the first that cannot be read is an error.
pub fn load(paths: &[PathBuf]) -> anyhow::Result<Loaded> {
    let loaded = load_with(paths, DEFAULT_MAX_INPUT_BYTES, None);
    if let Some((name, error)) = loaded.unreadable.first() {
        anyhow::bail!("{name}: {}", error.message);
    }
    Ok(loaded)
}

/// Reads `paths` (`-` is stdin), each at most `max_bytes`. `config` is the config file in
/// use: a folder holding it does not check it as a manifest.
pub fn load_with(paths: &[PathBuf], max_bytes: u64, config: Option<&Path>) -> Loaded {
    let mut loaded = Loaded::default();
    let config = config.and_then(|c| c.canonicalize().ok());
    for path in paths {
        // Each path argument is one analysis context unless the caller regroups them.
        let first = loaded.sources.len();
        load_one(path, max_bytes, config.as_deref(), &mut loaded);
        let context = path.display().to_string();
        for source in &mut loaded.sources[first..] {
            source.context = Some(context.clone());
        }
    }
    loaded
}

fn load_one(path: &Path, max_bytes: u64, config: Option<&Path>, loaded: &mut Loaded) {
    if path == Path::new("-") {
        let read = read_to_limit(std::io::stdin().lock(), max_bytes);
        loaded.add("<stdin>".into(), read);
    } else if path.is_dir() {
        walk(path, max_bytes, config, loaded);
    } else {
        // Named explicitly: read whatever it is (a FIFO from `<(helm template …)`
        // too), within the size limit.
        loaded.add(path.display().to_string(), read_bounded(path, max_bytes));
    }
}

/// How sources are grouped into analysis contexts (`--context`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ContextMode {
    /// Each path argument is one cluster: `kubecheck check a/ b/` judges two.
    #[default]
    Path,
    /// Each folder holding manifests is its own cluster.
    Dir,
    /// Everything given is one cluster.
    Input,
}

/// Regroups `sources` (each in the context of its path argument) by `mode`; a source
/// under one of `roots` (folders named in the config) belongs to the deepest such root,
/// whatever the mode.
pub fn assign_contexts(sources: &mut [Source], mode: ContextMode, roots: &[(String, PathBuf)]) {
    for source in sources {
        let under_root = (!roots.is_empty())
            .then(|| Path::new(&source.name).canonicalize().ok())
            .flatten()
            .and_then(|file| {
                roots
                    .iter()
                    .filter(|(_, root)| file.starts_with(root))
                    .max_by_key(|(_, root)| root.components().count())
                    .map(|(name, _)| name.clone())
            });
        source.context = match (under_root, mode) {
            (Some(root), _) => Some(root),
            (None, ContextMode::Path) => source.context.take(),
            (None, ContextMode::Dir) => Some(
                Path::new(&source.name)
                    .parent()
                    .map(|p| p.display().to_string())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| ".".to_owned()),
            ),
            (None, ContextMode::Input) => None,
        };
    }
}

/// What walking a folder found, in walk order: files to read, and paths that are errors.
enum Found {
    File(String, PathBuf),
    Error(String, String),
}

/// Reads the manifest files under `dir` in file-name order, so output is the same on
/// every machine. What a pull request could add there is checked or reported:
/// - hidden files and folders are read, as `kubectl apply -R -f` reads them (k8s.io/cli-runtime
///   `pkg/resource/visitor.go`, `ExpandPathsToFileVisitors`, filters by extension only);
///   a `.github/workflows/*.yml` is then reported as not a Kubernetes object;
/// - symlinks are followed while they stay inside `dir`; one leading out of it is reported
///   and not followed, so a manifest cannot make kubecheck print other files of the
///   machine it runs on (pass the target explicitly to check it); loops and broken links
///   are reported, and each file is read once, whatever links lead to it;
/// - a FIFO, socket or device with a manifest's name is reported, not opened, so it cannot
///   block the run.
///
/// The files found are read side by side (on the caller's rayon pool) and added, with
/// the walk's errors, in walk order.
fn walk(dir: &Path, max_bytes: u64, config: Option<&Path>, loaded: &mut Loaded) {
    use rayon::prelude::*;
    // Read and decoded side by side: checking and copying the text was a tenth of the
    // time of loading the real corpus, on one thread.
    let outcomes: Vec<_> = find_manifests(dir, config)
        .into_par_iter()
        .map(|found| match found {
            Found::File(name, path) => decoded(name, read_bounded(&path, max_bytes)),
            Found::Error(name, message) => Err((name, whole_input_error(message))),
        })
        .collect();
    for outcome in outcomes {
        loaded.push(outcome);
    }
}

/// The manifests under `dir` and the paths that cannot be read, in a stable order.
fn find_manifests(dir: &Path, config: Option<&Path>) -> Vec<Found> {
    let mut found = Vec::new();
    let root = match dir.canonicalize() {
        Ok(root) => root,
        Err(e) => {
            found.push(Found::Error(
                dir.display().to_string(),
                format!("cannot read: {e}"),
            ));
            return found;
        }
    };
    // A file reached through several links is read once.
    let mut read = HashSet::new();
    let mut entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                if let Some((name, message)) = walk_error(&error) {
                    found.push(Found::Error(name, message));
                }
                continue;
            }
        };
        let name = entry.path().display().to_string();
        let is_dir = entry.file_type().is_dir();
        if !is_dir && !is_manifest(entry.path()) {
            continue;
        }
        let target = match resolved(&entry, dir, &root) {
            Ok(target) => target,
            Err(e) => {
                found.push(Found::Error(name, format!("cannot read: {e}")));
                continue;
            }
        };
        if !target.starts_with(&root) {
            found.push(Found::Error(
                name,
                format!(
                    "symlink to {}, outside the checked folder {}: not followed (pass the target explicitly to check it)",
                    target.display(),
                    dir.display()
                ),
            ));
            if is_dir {
                entries.skip_current_dir();
            }
            continue;
        }
        if is_dir {
            // A folder linked from inside `dir` is walked under its own path: going
            // through the link too would only repeat it, and a web of such links would
            // multiply the walk.
            if entry.depth() > 0 && entry.path_is_symlink() {
                entries.skip_current_dir();
            }
            continue;
        }
        if Some(target.as_path()) == config || !read.insert(target) {
            continue;
        }
        if !entry.file_type().is_file() {
            found.push(Found::Error(
                name,
                "not a regular file (a FIFO, socket or device): not read".into(),
            ));
            continue;
        }
        found.push(Found::File(name, entry.path().to_path_buf()));
    }
    found
}

/// The real path of `entry`, a path under `dir` (whose real path is `root`). A folder
/// that is a link is never walked into (see [`find_manifests`]), so only the entry itself
/// can be a link: the others are `root` and the same relative path, found without the
/// `readlink` of every component that `canonicalize` makes (a dozen system calls a file).
fn resolved(entry: &walkdir::DirEntry, dir: &Path, root: &Path) -> std::io::Result<PathBuf> {
    match entry.path_is_symlink() {
        true => entry.path().canonicalize(),
        false => match entry.path().strip_prefix(dir) {
            Ok(relative) if relative.as_os_str().is_empty() => Ok(root.to_path_buf()),
            Ok(relative) => Ok(root.join(relative)),
            Err(_) => entry.path().canonicalize(),
        },
    }
}

/// What to report of an error met while walking: a symlink loop, an unreadable folder or
/// manifest. A broken symlink that does not look like a manifest is no input: ignored.
fn walk_error(error: &walkdir::Error) -> Option<(String, String)> {
    let path = error.path()?;
    let name = path.display().to_string();
    if let Some(ancestor) = error.loop_ancestor() {
        let message = format!(
            "symlink loop: leads back to {}: not followed",
            ancestor.display()
        );
        return Some((name, message));
    }
    let broken_link = path.symlink_metadata().is_ok() && path.metadata().is_err();
    if broken_link && !is_manifest(path) {
        return None;
    }
    let message = match error.io_error() {
        Some(_) if broken_link => "cannot read: broken symlink (its target does not exist)".into(),
        Some(io) => format!("cannot read: {io}"),
        None => format!("cannot read: {error}"),
    };
    Some((name, message))
}

fn is_manifest(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MANIFEST_EXTENSIONS.contains(&e))
}
