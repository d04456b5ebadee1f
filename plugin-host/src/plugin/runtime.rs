//! The sandbox: one wasmtime `Engine` per process, a fresh `Store` per call with fuel,
//! an epoch deadline and a memory ceiling, and nothing to import but a logger.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};
use wasmtime::{
    Caller, Config, Engine, ExternType, FuncType, InstancePre, Linker, Memory, Module,
    ResourceLimiter, Store, StoreLimits, StoreLimitsBuilder, Trap, WasmFeatures,
};

use super::abi::{self, CheckOutput, Metadata};
use super::cache::{self, Cache, Key, Rejected};
use super::compile;
use super::error::PluginError;
use super::limits::{Limits, EPOCH_TICK, MAX_MODULE_BYTES, MAX_TABLE_ELEMENTS, MAX_WASM_STACK};

use kubecheck_core::plugin_abi::limits::{LOG_MESSAGES_PER_CALL, LOG_MESSAGE_BYTES};

/// Lowercase hex sha256 of `bytes`: the pin in `.kubecheck.yaml`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    cache::hex(&Sha256::digest(bytes))
}

/// Owns the engine shared by every plugin of the process, the thread that advances its
/// epoch (the wall-clock deadline; kept alive by every plugin loaded here), the key
/// that authenticates compiled modules and the compiled-module cache.
pub struct PluginRuntime {
    engine: Engine,
    linker: Linker<CallState>,
    fingerprint: [u8; 32],
    /// Why there is no key, if there is none: no cache and no `.cwasm` then.
    key: Result<Key, String>,
    cache: Option<Cache>,
    ticker: Arc<Ticker>,
}

/// How a plugin's module was obtained, for `plugin inspect` and the benchmarks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleOrigin {
    /// Compiled now (and written to the cache, if there is one).
    Compiled,
    /// Deserialised from the cache.
    Cached,
    /// A `.cwasm` made by `kubecheck plugin compile`, loaded by explicit intent
    /// ([`PluginRuntime::load_precompiled`]).
    Precompiled,
}

/// Imports and exports of a module, rendered as `module.name: type`.
#[derive(Clone, Debug, Default)]
pub struct ModuleInfo {
    pub imports: Vec<String>,
    pub exports: Vec<String>,
}

/// A loaded plugin: validated module, ABI checked, metadata read. Cheap to call many
/// times; every call gets a fresh instance.
pub struct Plugin {
    name: String,
    metadata: Metadata,
    limits: Limits,
    origin: ModuleOrigin,
    info: ModuleInfo,
    pre: InstancePre<CallState>,
    engine: Engine,
    /// Deadlines need the epoch to advance for as long as any plugin is alive.
    _ticker: Arc<Ticker>,
}

impl PluginRuntime {
    /// A runtime with the cache at its default place (`$KUBECHECK_CACHE_DIR`,
    /// `$XDG_CACHE_HOME/kubecheck` or `~/.cache/kubecheck`).
    pub fn new() -> Result<PluginRuntime, PluginError> {
        PluginRuntime::with_cache_dir(cache::default_dir())
    }

    /// A runtime caching compiled modules in `dir`, or not at all with `None`. The cache
    /// is also off, with a one-line warning, when the key (`cache::key_path`) or the
    /// directory is not private to the current user.
    pub fn with_cache_dir(dir: Option<PathBuf>) -> Result<PluginRuntime, PluginError> {
        let engine = Engine::new(&engine_config()).map_err(runtime_error)?;
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(abi::IMPORT_LOG.0, abi::IMPORT_LOG.1, log)
            .map_err(runtime_error)?;
        let fingerprint = cache::fingerprint(&engine);
        let key = cache::key_path()
            .ok_or_else(|| "neither XDG_CONFIG_HOME nor HOME is set".to_owned())
            .and_then(|path| Key::load_or_create(&path));
        let cache = match (dir, &key) {
            (None, _) => None,
            (Some(_), Err(e)) => {
                eprintln!("kubecheck: warning: compile cache off: no key: {e}");
                None
            }
            (Some(dir), Ok(key)) => match Cache::open(dir, key.clone(), fingerprint) {
                Ok(cache) => Some(cache),
                Err(e) => {
                    eprintln!("kubecheck: warning: compile cache off: {e}");
                    None
                }
            },
        };
        let ticker = Arc::new(Ticker::start(engine.clone())?);
        Ok(PluginRuntime {
            engine,
            linker,
            fingerprint,
            key,
            cache,
            ticker,
        })
    }

    /// Loads a `.wasm` module: validates it, checks its imports, exports and ABI
    /// version, and reads its metadata. Whatever the bytes look like, they are treated
    /// as WebAssembly: a precompiled module loads only through [`Self::load_precompiled`].
    pub fn load(&self, bytes: &[u8], limits: Limits) -> Result<Plugin, PluginError> {
        let (module, origin) = self.module(bytes, limits)?;
        self.plugin(&module, origin, limits)
    }

    /// Loads a `.cwasm` made by `kubecheck plugin compile`: native code, so only one
    /// this user's kubecheck wrote for this build (its HMAC under the user's key) is
    /// deserialised. Callers reach this only by explicit intent: a `.cwasm` file named
    /// with `--allow-precompiled` or `precompiled: true`.
    pub fn load_precompiled(&self, bytes: &[u8], limits: Limits) -> Result<Plugin, PluginError> {
        let key = self.key.as_ref().map_err(|e| {
            PluginError::Precompiled(format!(
                "a .cwasm cannot be authenticated without a key: {e}"
            ))
        })?;
        let payload = match cache::decode(bytes, key, &self.fingerprint) {
            Ok(decoded) => decoded.payload,
            Err(Rejected::NotOurs) => {
                return Err(PluginError::Precompiled(
                    "not a .cwasm of this kubecheck (no `kubecheck-cwasm2` header): \
                     recompile it with `kubecheck plugin compile`"
                        .into(),
                ))
            }
            Err(Rejected::OtherEngine) => {
                return Err(PluginError::Precompiled(
                    "this .cwasm was made by another build of kubecheck or for another CPU: \
                     recompile it with `kubecheck plugin compile`"
                        .into(),
                ))
            }
            Err(Rejected::NotAuthentic) => {
                return Err(PluginError::Precompiled(
                    "this .cwasm was not made by this build of kubecheck for this user \
                     (its HMAC does not match this user's key), or is damaged: \
                     recompile it with `kubecheck plugin compile`"
                        .into(),
                ))
            }
        };
        // SAFETY: the HMAC under this user's key proves this user's kubecheck serialised
        // the payload for an engine with the same fingerprint, unchanged since.
        let module = unsafe { Module::deserialize(&self.engine, payload) }.map_err(invalid)?;
        self.plugin(&module, ModuleOrigin::Precompiled, limits)
    }

    fn plugin(
        &self,
        module: &Module,
        origin: ModuleOrigin,
        limits: Limits,
    ) -> Result<Plugin, PluginError> {
        let info = check_module(module)?;
        let pre = self
            .linker
            .instantiate_pre(module)
            .map_err(|e| PluginError::BadAbi(e.to_string()))?;
        let mut plugin = Plugin {
            name: String::new(),
            metadata: Metadata {
                name: String::new(),
                version: String::new(),
                rules: Vec::new(),
            },
            limits,
            origin,
            info,
            pre,
            engine: self.engine.clone(),
            _ticker: Arc::clone(&self.ticker),
        };
        plugin.read_metadata()?;
        Ok(plugin)
    }

    /// Validates and compiles `wasm` (under `limits`' compile limits) into a `.cwasm`
    /// for this build of kubecheck and this user.
    pub fn precompile(&self, wasm: &[u8], limits: Limits) -> Result<Vec<u8>, PluginError> {
        let key = self.key.as_ref().map_err(|e| {
            PluginError::Runtime(format!("a .cwasm is authenticated with a key: {e}"))
        })?;
        let (module, _) = self.module(wasm, limits)?;
        check_module(&module)?;
        let serialized = module.serialize().map_err(runtime_error)?;
        Ok(cache::encode(
            key,
            &self.fingerprint,
            &Sha256::digest(wasm).into(),
            &serialized,
        ))
    }

    /// The compiled module of `bytes`, from the cache or compiled now in a child process
    /// under `limits`' compile limits.
    fn module(&self, bytes: &[u8], limits: Limits) -> Result<(Module, ModuleOrigin), PluginError> {
        if !bytes.starts_with(WASM_MAGIC) {
            return Err(not_wasm(bytes));
        }
        if bytes.len() > MAX_MODULE_BYTES {
            return Err(PluginError::TooLarge(format!(
                "the module is {} bytes, more than the limit of {MAX_MODULE_BYTES} bytes",
                bytes.len()
            )));
        }
        let key: [u8; 32] = Sha256::digest(bytes).into();
        if let Some(module) = self.cache.as_ref().and_then(|c| c.get(&self.engine, &key)) {
            return Ok((module, ModuleOrigin::Cached));
        }
        let module = compile::compile(&self.engine, bytes, limits)?;
        if let Some(cache) = &self.cache {
            cache.put(&key, &module);
        }
        Ok((module, ModuleOrigin::Compiled))
    }

    /// Imports and exports of a module that need not be a valid plugin (`plugin inspect`).
    pub fn module_info(&self, bytes: &[u8], limits: Limits) -> Result<ModuleInfo, PluginError> {
        let (module, _) = self.module(bytes, limits)?;
        Ok(describe(&module))
    }
}

const WASM_MAGIC: &[u8] = b"\0asm";

fn not_wasm(bytes: &[u8]) -> PluginError {
    let hint = if bytes.starts_with(b"kubecheck-cwasm") {
        ": this looks like a precompiled `.cwasm`, native code that kubecheck loads only \
         from a `.cwasm` file with `--allow-precompiled` or `precompiled: true`, and never \
         inspects"
    } else {
        ""
    };
    PluginError::Invalid(format!(
        "not a WebAssembly binary (no `\\0asm` header){hint}"
    ))
}

fn invalid(error: wasmtime::Error) -> PluginError {
    PluginError::Invalid(format!("{error:#}"))
}

fn runtime_error(error: wasmtime::Error) -> PluginError {
    PluginError::Runtime(format!("{error:#}"))
}

/// The WebAssembly features ABI v1 allows (docs/plugin-abi.md, 1.1): WebAssembly 2.0
/// (mutable globals, sign extension, saturating conversions, multi-value, bulk memory,
/// reference types, 128-bit SIMD) and extended constant expressions.
pub fn allowed_features() -> WasmFeatures {
    WasmFeatures::WASM2 | WasmFeatures::EXTENDED_CONST
}

/// Only what ABI v1 allows: every other feature wasmtime knows is turned off by name
/// (an allow list, so a proposal wasmtime enables by default in a later version stays
/// off here: typed function references were on by default in wasmtime 48).
pub fn engine_config() -> Config {
    let mut config = Config::new();
    config
        .consume_fuel(true)
        .epoch_interruption(true)
        .max_wasm_stack(MAX_WASM_STACK)
        .wasm_features(WasmFeatures::all().difference(allowed_features()), false);
    config
}

impl Plugin {
    /// The name rule ids are prefixed with: the metadata's, unless renamed by the config.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn rename(&mut self, name: String) {
        self.name = name;
    }

    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    pub fn origin(&self) -> ModuleOrigin {
        self.origin
    }

    pub fn module_info(&self) -> &ModuleInfo {
        &self.info
    }

    /// Runs `kubecheck_check` on an input document (see `abi::input_document`) and
    /// parses the output's shape. Validation against the input is the caller's
    /// (`CheckOutput::validate`), since only it knows the resources.
    pub fn check(&self, input: &[u8]) -> Result<CheckOutput, PluginError> {
        Ok(CheckOutput::parse(&self.check_raw(input)?)?)
    }

    /// Runs `kubecheck_check` and returns the output document's bytes as they are.
    pub fn check_raw(&self, input: &[u8]) -> Result<Vec<u8>, PluginError> {
        let len = u32::try_from(input.len())
            .map_err(|_| PluginError::BadAbi("the input is larger than 4 GiB".into()))?;
        let mut call = self.instantiate()?;
        let alloc = call
            .instance
            .get_typed_func::<i32, i32>(&mut call.store, abi::EXPORT_ALLOC)
            .map_err(|e| PluginError::BadAbi(e.to_string()))?;
        let ptr = alloc
            .call(&mut call.store, len as i32)
            .map_err(|e| call.classify(e))? as u32;
        call.memory
            .write(&mut call.store, ptr as usize, input)
            .map_err(|_| {
                PluginError::BadAbi(format!(
                    "`kubecheck_alloc({len})` returned {ptr}, a region outside the memory"
                ))
            })?;
        let check = call
            .instance
            .get_typed_func::<(i32, i32), i64>(&mut call.store, abi::EXPORT_CHECK)
            .map_err(|e| PluginError::BadAbi(e.to_string()))?;
        let packed = check
            .call(&mut call.store, (ptr as i32, len as i32))
            .map_err(|e| call.classify(e))?;
        call.document(packed, "kubecheck_check")
    }

    fn read_metadata(&mut self) -> Result<(), PluginError> {
        let mut call = self.instantiate()?;
        let version = call
            .instance
            .get_typed_func::<(), i32>(&mut call.store, abi::EXPORT_ABI_VERSION)
            .map_err(|e| PluginError::BadAbi(e.to_string()))?
            .call(&mut call.store, ())
            .map_err(|e| call.classify(e))?;
        if version != abi::ABI_VERSION {
            return Err(PluginError::BadAbi(format!(
                "`kubecheck_abi_version` returned {version}; this kubecheck supports ABI version {}",
                abi::ABI_VERSION
            )));
        }
        let packed = call
            .instance
            .get_typed_func::<(), i64>(&mut call.store, abi::EXPORT_METADATA)
            .map_err(|e| PluginError::BadAbi(e.to_string()))?
            .call(&mut call.store, ())
            .map_err(|e| call.classify(e))?;
        let document = call.document(packed, "kubecheck_metadata")?;
        self.metadata = kubecheck_core::plugin_abi::parse_metadata(&document)?;
        self.name = self.metadata.name.clone();
        Ok(())
    }

    /// Creates and drops one instance: what every call pays before its own work
    /// (`kubecheck plugin bench`).
    pub fn instantiate_only(&self) -> Result<(), PluginError> {
        self.instantiate().map(drop)
    }

    /// A fresh store and instance with this plugin's limits, `_initialize` already run.
    fn instantiate(&self) -> Result<Call, PluginError> {
        let limits = self.limits;
        let state = CallState {
            limiter: Limiter {
                inner: StoreLimitsBuilder::new()
                    .memory_size(limits.memory_bytes)
                    .table_elements(MAX_TABLE_ELEMENTS)
                    .instances(1)
                    .memories(1)
                    .tables(1)
                    .trap_on_grow_failure(true)
                    .build(),
                memory_bytes: limits.memory_bytes,
                exceeded: false,
            },
            plugin: self.name.clone(),
            logged: 0,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        store.set_fuel(limits.fuel).map_err(runtime_error)?;
        // The deadline is counted in ticks from now; one more tick than needed so a
        // call is never cut short by a tick that was about to happen.
        let ticks = limits.timeout.as_millis().div_ceil(EPOCH_TICK.as_millis()) + 1;
        store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX));
        store.epoch_deadline_trap();
        let instance = match self.pre.instantiate(&mut store) {
            Ok(instance) => instance,
            Err(e) => return Err(classify(e, &store, limits)),
        };
        let memory = instance
            .get_memory(&mut store, abi::EXPORT_MEMORY)
            .ok_or_else(|| PluginError::BadAbi("no exported `memory`".into()))?;
        let mut call = Call {
            store,
            instance,
            memory,
            limits,
        };
        if let Ok(init) = call
            .instance
            .get_typed_func::<(), ()>(&mut call.store, abi::EXPORT_INITIALIZE)
        {
            init.call(&mut call.store, ())
                .map_err(|e| call.classify(e))?;
        }
        Ok(call)
    }
}

/// One call's store and instance.
struct Call {
    store: Store<CallState>,
    instance: wasmtime::Instance,
    memory: Memory,
    limits: Limits,
}

impl Call {
    fn classify(&self, error: wasmtime::Error) -> PluginError {
        classify(error, &self.store, self.limits)
    }

    /// Copies the document a `(ptr << 32) | len` result names out of the memory.
    fn document(&self, packed: i64, export: &str) -> Result<Vec<u8>, PluginError> {
        let (ptr, len) = abi::unpack(packed);
        let (ptr, len) = (ptr as usize, len as usize);
        if len == 0 {
            return Err(PluginError::BadOutput(format!(
                "`{export}` returned an empty document"
            )));
        }
        if len > self.limits.output_bytes {
            return Err(PluginError::BadOutput(format!(
                "`{export}` returned {len} bytes, more than the output limit of {} bytes",
                self.limits.output_bytes
            )));
        }
        let data = self.memory.data(&self.store);
        data.get(ptr..ptr + len).map(<[u8]>::to_vec).ok_or_else(|| {
            PluginError::BadOutput(format!(
                "`{export}` returned the region {ptr}..{} outside the memory of {} bytes",
                ptr + len,
                data.len()
            ))
        })
    }
}

/// Turns a wasmtime error into the reason the report shows.
fn classify(error: wasmtime::Error, store: &Store<CallState>, limits: Limits) -> PluginError {
    if store.data().limiter.exceeded {
        return PluginError::MemoryLimit {
            bytes: limits.memory_bytes as u64,
        };
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => PluginError::OutOfFuel { fuel: limits.fuel },
        Some(Trap::Interrupt) => PluginError::Timeout {
            ms: u64::try_from(limits.timeout.as_millis()).unwrap_or(u64::MAX),
        },
        Some(Trap::StackOverflow) => {
            PluginError::Trap("call stack exhausted (too deep recursion)".into())
        }
        Some(trap) => PluginError::Trap(trap.to_string()),
        None => PluginError::Trap(error.root_cause().to_string()),
    }
}

/// What a store carries: its limits and who it runs, for the logger.
struct CallState {
    limiter: Limiter,
    plugin: String,
    logged: usize,
}

/// `StoreLimits`, remembering whether the memory ceiling was hit so the report can say
/// "memory limit" rather than a generic trap.
struct Limiter {
    inner: StoreLimits,
    memory_bytes: usize,
    exceeded: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let result = self.inner.memory_growing(current, desired, maximum);
        if result.is_err() && desired > self.memory_bytes {
            self.exceeded = true;
        }
        result
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.inner.memory_grow_failed(error)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.inner.table_growing(current, desired, maximum)
    }

    fn table_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.inner.table_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.inner.instances()
    }

    fn tables(&self) -> usize {
        self.inner.tables()
    }

    fn memories(&self) -> usize {
        self.inner.memories()
    }
}

/// `kubecheck.log(ptr, len)`: a capped debug line on stderr, control characters
/// and bidirectional characters escaped so a plugin cannot drive the terminal or forge
/// log lines.
fn log(mut caller: Caller<'_, CallState>, ptr: i32, len: i32) -> wasmtime::Result<()> {
    let Some(memory) = caller
        .get_export(abi::EXPORT_MEMORY)
        .and_then(|e| e.into_memory())
    else {
        wasmtime::bail!("kubecheck.log: the plugin has no memory");
    };
    let (ptr, len) = (ptr as u32 as usize, len as u32 as usize);
    let (data, state) = memory.data_and_store_mut(&mut caller);
    let Some(bytes) = data.get(ptr..ptr + len) else {
        wasmtime::bail!(
            "kubecheck.log: message {ptr}..{} outside the memory",
            ptr + len
        );
    };
    if state.logged < LOG_MESSAGES_PER_CALL {
        state.logged += 1;
        let text = String::from_utf8_lossy(&bytes[..len.min(LOG_MESSAGE_BYTES)]);
        let escape = kubecheck_core::output::escape;
        eprintln!(
            "kubecheck: plugin {}: {}",
            escape(&state.plugin),
            escape(&text)
        );
    }
    Ok(())
}

/// Checks what the ABI requires of imports and exports (docs/plugin-abi.md, 1.2 and 1.4).
fn check_module(module: &Module) -> Result<ModuleInfo, PluginError> {
    let forbidden: Vec<String> = module
        .imports()
        .filter(|i| (i.module(), i.name()) != abi::IMPORT_LOG)
        .map(|i| format!("`{}.{}`", i.module(), i.name()))
        .collect();
    if !forbidden.is_empty() {
        return Err(PluginError::ForbiddenImport { names: forbidden });
    }
    if let Some(import) = module.imports().next() {
        let ok = matches!(import.ty(), ExternType::Func(f) if signature(&f) == "(i32, i32) -> ()");
        if !ok {
            return Err(PluginError::BadAbi(format!(
                "import `kubecheck.log` must be a function (i32, i32) -> (), not {}",
                extern_type(&import.ty())
            )));
        }
    }
    let expected = abi::REQUIRED_FUNCTIONS
        .into_iter()
        .chain([(abi::EXPORT_INITIALIZE, "() -> ()")]);
    let mut problems = Vec::new();
    match module.get_export(abi::EXPORT_MEMORY) {
        Some(ExternType::Memory(m)) if !m.is_64() && !m.is_shared() => {}
        Some(other) => problems.push(format!(
            "export `memory` must be a 32-bit unshared memory, not {}",
            extern_type(&other)
        )),
        None => problems.push("missing export `memory`".into()),
    }
    for (name, want) in expected {
        match module.get_export(name) {
            Some(ExternType::Func(f)) if signature(&f) == want => {}
            Some(other) => problems.push(format!(
                "export `{name}` must be a function {want}, not {}",
                extern_type(&other)
            )),
            None if name == abi::EXPORT_INITIALIZE => {}
            None => problems.push(format!("missing export `{name}`")),
        }
    }
    if !problems.is_empty() {
        return Err(PluginError::BadAbi(problems.join("; ")));
    }
    Ok(describe(module))
}

fn describe(module: &Module) -> ModuleInfo {
    ModuleInfo {
        imports: module
            .imports()
            .map(|i| format!("{}.{}: {}", i.module(), i.name(), extern_type(&i.ty())))
            .collect(),
        exports: module
            .exports()
            .map(|e| format!("{}: {}", e.name(), extern_type(&e.ty())))
            .collect(),
    }
}

/// `(i32, i32) -> i64`: the notation of docs/plugin-abi.md.
fn signature(f: &FuncType) -> String {
    let list = |types: Vec<String>| match types.len() {
        1 => types[0].clone(),
        _ => format!("({})", types.join(", ")),
    };
    let params: Vec<String> = f.params().map(|t| t.to_string()).collect();
    let results: Vec<String> = f.results().map(|t| t.to_string()).collect();
    format!("({}) -> {}", params.join(", "), list(results))
}

fn extern_type(ty: &ExternType) -> String {
    match ty {
        ExternType::Func(f) => format!("function {}", signature(f)),
        ExternType::Memory(m) => {
            let bits = if m.is_64() { 64 } else { 32 };
            let shared = if m.is_shared() { " shared" } else { "" };
            format!("{bits}-bit{shared} memory, {} pages minimum", m.minimum())
        }
        ExternType::Table(_) => "table".into(),
        ExternType::Global(_) => "global".into(),
        ExternType::Tag(_) => "tag".into(),
    }
}

/// Advances the engine's epoch every [`EPOCH_TICK`] so deadlines fire; stopped and
/// joined when the runtime and the last of its plugins are dropped.
struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    fn start(engine: Engine) -> Result<Ticker, PluginError> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("kubecheck-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })
            .map_err(|e| PluginError::Runtime(format!("cannot start the epoch thread: {e}")))?;
        Ok(Ticker {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
