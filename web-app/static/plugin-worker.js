// Runs one call of a kubecheck rule plugin (ABI v1, docs/plugin-abi.md) off the page's
// thread, so the page can terminate it at its deadline. The plugin gets no imports but
// `kubecheck.log`; the page's Content-Security-Policy also covers this worker.
'use strict';

// The names and limits below are kubecheck-plugin-abi's; web-app/tests/plugin_worker_abi.rs
// holds them equal.
const ABI_VERSION = 1;
const MAX_OUTPUT = 16 * 1024 * 1024;
// Browsers cannot refuse a single memory.grow; a plugin that grew past the CLI's default
// limit fails after the call instead.
const MAX_MEMORY = 256 * 1024 * 1024;
const MAX_LOGS = 64;
const MAX_LOG_BYTES = 1024;
const EXPORTS = [
  ['memory', 'memory'],
  ['kubecheck_abi_version', 'function'],
  ['kubecheck_alloc', 'function'],
  ['kubecheck_metadata', 'function'],
  ['kubecheck_check', 'function'],
];

class AbiError extends Error {}

function fail(reason, detail) {
  throw new AbiError(`${reason}: ${detail}`);
}

function call(f) {
  try {
    return f();
  } catch (e) {
    if (e instanceof AbiError) throw e;
    if (e instanceof RangeError) fail('trap', `call stack exhausted (${e.message})`);
    fail('trap', e?.message ?? String(e));
  }
}

async function instantiate(bytes, name) {
  let module;
  try {
    module = await WebAssembly.compile(bytes);
  } catch (e) {
    fail('not a valid WebAssembly module', e.message);
  }
  const refused = WebAssembly.Module.imports(module).filter(
    (i) => !(i.module === 'kubecheck' && i.name === 'log' && i.kind === 'function'),
  );
  if (refused.length > 0) {
    fail('forbidden import', refused.map((i) => `${i.module}.${i.name}`).join(', '));
  }
  const exported = WebAssembly.Module.exports(module);
  for (const [want, kind] of EXPORTS) {
    if (!exported.some((e) => e.name === want && e.kind === kind)) fail('bad ABI', `missing export \`${want}\``);
  }
  let instance;
  let logs = 0;
  const log = (ptr, len) => {
    const memory = new Uint8Array(instance.exports.memory.buffer);
    const [start, end] = [ptr >>> 0, (ptr >>> 0) + (len >>> 0)];
    if (end > memory.length) throw new WebAssembly.RuntimeError('kubecheck.log outside the memory');
    if (logs++ < MAX_LOGS) {
      const text = new TextDecoder().decode(memory.subarray(start, Math.min(end, start + MAX_LOG_BYTES)));
      console.debug(`kubecheck: plugin ${name}: ${text}`);
    }
  };
  try {
    instance = await WebAssembly.instantiate(module, { kubecheck: { log } });
  } catch (e) {
    fail('trap', e.message);
  }
  if (typeof instance.exports._initialize === 'function') call(() => instance.exports._initialize());
  return instance.exports;
}

/// The UTF-8 document at `(ptr << 32) | len`.
function documentAt(exports, packed) {
  if (typeof packed !== 'bigint') fail('bad ABI', 'the export does not return an i64');
  const ptr = Number((packed >> 32n) & 0xffffffffn);
  const len = Number(packed & 0xffffffffn);
  const memory = new Uint8Array(exports.memory.buffer);
  if (len === 0 || len > MAX_OUTPUT || ptr + len > memory.length) {
    fail('bad output', `document at ${ptr}, ${len} bytes: empty, too large or outside the memory`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(memory.subarray(ptr, ptr + len));
  } catch {
    fail('bad output', 'the document is not UTF-8');
  }
}

self.onmessage = async ({ data }) => {
  try {
    const exports = await instantiate(data.bytes, data.name);
    let text;
    if (data.op === 'metadata') {
      const version = call(() => exports.kubecheck_abi_version());
      if (version !== ABI_VERSION) fail('bad ABI', `kubecheck_abi_version returned ${version}, not ${ABI_VERSION}`);
      text = documentAt(exports, call(() => exports.kubecheck_metadata()));
    } else {
      const input = new TextEncoder().encode(data.input);
      const ptr = call(() => exports.kubecheck_alloc(input.length)) >>> 0;
      const memory = new Uint8Array(exports.memory.buffer);
      if (ptr + input.length > memory.length) fail('bad ABI', 'kubecheck_alloc returned a region outside the memory');
      memory.set(input, ptr);
      text = documentAt(exports, call(() => exports.kubecheck_check(ptr, input.length)));
    }
    if (exports.memory.buffer.byteLength > MAX_MEMORY) {
      fail('memory limit', `the memory grew to ${exports.memory.buffer.byteLength} bytes`);
    }
    self.postMessage({ ok: true, text });
  } catch (e) {
    self.postMessage({ ok: false, message: e instanceof AbiError ? e.message : `trap: ${e?.message ?? e}` });
  }
};
