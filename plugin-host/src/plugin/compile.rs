//! Compiling a module in a child process, with a deadline and a memory cap.
//!
//! Fuel, the epoch deadline and `StoreLimits` only start at instantiation; compiling a
//! hostile module can take minutes and gigabytes before that (issue 9: a 210 KB module
//! compiled for 36 s, a 15 MB one used 7.4 GB). Cranelift cannot be interrupted, and a
//! thread cannot be stopped or capped, so the module is compiled by this same binary
//! re-run with [`CHILD_ARG`]: the `.wasm` on its stdin, the serialised module on its
//! stdout, under `RLIMIT_AS` (memory) and `RLIMIT_CPU` (a backstop should this process
//! die), and killed at the wall-clock deadline.
//!
//! The child builds its engine from the same configuration as this process, and
//! `Module::deserialize` checks that the serialised module was made by a compatible
//! engine.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use wasmtime::{Engine, Module};

use super::error::PluginError;
use super::limits::{Limits, MAX_MODULE_BYTES};
use super::runtime::engine_config;

/// The hidden first argument that makes `kubecheck` a compiler child (see `main.rs`).
pub const CHILD_ARG: &str = "__kubecheck-compile-module";

/// Exit code of a child that found the module invalid; its stderr says why.
const INVALID: u8 = 3;

/// Largest serialised module read back from the child.
const MAX_OUTPUT_BYTES: u64 = super::cache::MAX_ENTRY_BYTES;

/// Most of the child's error output kept for the message.
const MAX_STDERR_BYTES: u64 = 16 << 10;

/// Compiles `wasm` in a child process under `limits.compile_timeout` and
/// `limits.compile_memory_bytes`.
pub fn compile(engine: &Engine, wasm: &[u8], limits: Limits) -> Result<Module, PluginError> {
    let mut child = spawn(limits)?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = wasm.to_vec();
    // A child that dies early closes its stdin: the write error is then not the story.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let stdout = reader(
        child.stdout.take().expect("stdout is piped"),
        MAX_OUTPUT_BYTES,
    );
    let stderr = reader(
        child.stderr.take().expect("stderr is piped"),
        MAX_STDERR_BYTES,
    );
    let status = wait(&mut child, limits.compile_timeout);
    let _ = writer.join();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
    let Some(status) = status? else {
        return Err(PluginError::CompileTimeout {
            ms: millis(limits.compile_timeout),
        });
    };
    if status.success() && stdout.len() as u64 > MAX_OUTPUT_BYTES {
        return Err(PluginError::TooLarge(format!(
            "the compiled module is larger than {MAX_OUTPUT_BYTES} bytes"
        )));
    }
    if status.success() {
        // SAFETY: the bytes are what `Module::serialize` wrote in a child running this
        // very binary, over a pipe only the two processes hold; `deserialize` also checks
        // that they were made by an engine with a compatible configuration.
        return unsafe { Module::deserialize(engine, &stdout) }
            .map_err(|e| PluginError::Runtime(format!("reading the compiled module: {e:#}")));
    }
    Err(failure(status, stderr.trim(), limits))
}

fn failure(status: ExitStatus, stderr: &str, limits: Limits) -> PluginError {
    use std::os::unix::process::ExitStatusExt;
    if status.signal() == Some(libc::SIGXCPU) {
        return PluginError::CompileTimeout {
            ms: millis(limits.compile_timeout),
        };
    }
    // Allocation failures under RLIMIT_AS end in an abort ("memory allocation of N
    // bytes failed"), in an error where code memory could not be mapped, or in a panic
    // or a fault where a thread or a mapping could not be made.
    let out_of_memory = stderr.contains("memory allocation of")
        || stderr.contains("out of memory")
        || stderr.contains("Cannot allocate memory")
        // A thread whose stack cannot be mapped: pthread_create's EAGAIN, which the
        // compiler's thread pool turns into a panic (exit 101).
        || stderr.contains("Resource temporarily unavailable")
        || (status.code().is_none()
            && matches!(
                status.signal(),
                Some(libc::SIGABRT | libc::SIGSEGV | libc::SIGBUS)
            ));
    if out_of_memory {
        return PluginError::CompileMemoryLimit {
            bytes: limits.compile_memory_bytes,
        };
    }
    if status.code() == Some(INVALID.into()) {
        return PluginError::Invalid(stderr.to_owned());
    }
    PluginError::Runtime(format!(
        "the compiler process failed ({status}){}",
        if stderr.is_empty() {
            String::new()
        } else {
            format!(": {stderr}")
        }
    ))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn spawn(limits: Limits) -> Result<Child, PluginError> {
    use std::os::unix::process::CommandExt;
    // `/proc/self/exe` runs this very binary even if the file was replaced since.
    let exe = match std::path::Path::new("/proc/self/exe") {
        p if p.exists() => p.to_path_buf(),
        _ => std::env::current_exe().map_err(|e| {
            PluginError::Runtime(format!(
                "cannot find the kubecheck binary to compile in: {e}"
            ))
        })?,
    };
    // A limit can only be lowered: under a lower hard limit of its own (a container, a
    // test harness), this process passes that one on.
    let memory = limits.compile_memory_bytes.min(hard_limit(libc::RLIMIT_AS));
    // CPU seconds for every core compiling in parallel for the whole deadline, plus one.
    let cores = std::thread::available_parallelism().map_or(1, usize::from) as u64;
    let cpu_seconds = limits
        .compile_timeout
        .as_secs()
        .saturating_add(1)
        .saturating_mul(cores)
        .saturating_add(1)
        .min(hard_limit(libc::RLIMIT_CPU));
    let mut command = Command::new(exe);
    command
        .arg(CHILD_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: between fork and exec only async-signal-safe calls (setrlimit, prctl).
    unsafe {
        command.pre_exec(move || {
            let limit = |resource, value: u64| {
                let rlimit = libc::rlimit {
                    rlim_cur: value as libc::rlim_t,
                    rlim_max: value as libc::rlim_t,
                };
                if libc::setrlimit(resource, &rlimit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            };
            limit(libc::RLIMIT_AS, memory)?;
            limit(libc::RLIMIT_CPU, cpu_seconds)?;
            // Nothing to write a core dump of.
            limit(libc::RLIMIT_CORE, 0)?;
            // Dies with this process rather than compiling on for nobody.
            #[cfg(target_os = "linux")]
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    command.spawn().map_err(|e| match e.raw_os_error() {
        // exec fails when the binary does not even fit the address space limit.
        Some(libc::ENOMEM) => PluginError::CompileMemoryLimit { bytes: memory },
        _ => PluginError::Runtime(format!("cannot start the compiler process: {e}")),
    })
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
type Resource = libc::c_int;

/// This process's hard limit of `resource` (`u64::MAX` when unlimited).
fn hard_limit(resource: Resource) -> u64 {
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one `rlimit` to the pointer it is given.
    if unsafe { libc::getrlimit(resource, &mut current) } != 0 {
        return u64::MAX;
    }
    #[allow(
        clippy::unnecessary_cast,
        reason = "`rlim_t` is 32 bits on some targets"
    )]
    let max = current.rlim_max as u64;
    max
}

fn reader(mut pipe: impl Read + Send + 'static, max: u64) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut pipe).take(max + 1).read_to_end(&mut bytes);
        // Drain the rest so the child never blocks on a full pipe; it is refused anyway.
        let _ = std::io::copy(&mut pipe, &mut std::io::sink());
        bytes
    })
}

/// The child's status, or `None` if it was killed at the deadline.
fn wait(child: &mut Child, deadline: Duration) -> Result<Option<ExitStatus>, PluginError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        let status = child
            .try_wait()
            .map_err(|e| PluginError::Runtime(format!("waiting for the compiler process: {e}")))?;
        if let Some(status) = status {
            return Ok(Some(status));
        }
        if started.elapsed() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

/// The child: compiles the module on stdin and writes the serialised module to stdout.
pub fn child_main() -> ExitCode {
    let mut wasm = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_MODULE_BYTES as u64 + 1)
        .read_to_end(&mut wasm);
    if let Err(e) = read {
        eprintln!("reading the module: {e}");
        return ExitCode::FAILURE;
    }
    let engine = match Engine::new(&engine_config()) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("{e:#}");
            return ExitCode::FAILURE;
        }
    };
    let compiled = Module::new(&engine, &wasm).and_then(|module| module.serialize());
    match compiled {
        Ok(bytes) => match std::io::stdout().lock().write_all(&bytes) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("writing the compiled module: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprint!("{e:#}");
            ExitCode::from(INVALID)
        }
    }
}
