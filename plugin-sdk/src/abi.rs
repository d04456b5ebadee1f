//! The memory protocol of ABI v1, behind the functions [`crate::export_plugin!`] exports.
//!
//! Ownership, so nothing leaks over any number of calls on one instance:
//! - `kubecheck_alloc(len)` creates the *input buffer* and keeps it here. The host writes
//!   the input into it and passes it to `kubecheck_check`, which takes it back and frees
//!   it once the input is parsed. An input buffer that is never passed to a check is
//!   freed by the next `kubecheck_alloc`.
//! - `kubecheck_metadata` and `kubecheck_check` return an *output buffer* that the plugin
//!   keeps here until the next call of either function, which frees it. The host copies
//!   the output out before calling again.
//!
//! kubecheck's host throws the instance away after each call anyway; freeing keeps a
//! host that reuses an instance (as the browser may) from growing its memory.
//!
//! Only the buffer `kubecheck_alloc` returned is accepted as input: any other pointer or
//! length gives an error document, never a read of memory the plugin does not own.
//! The module is single-threaded (no wasm threads), so the mutex is never contended; it
//! is there so the state needs no `unsafe`.

use std::sync::{Mutex, MutexGuard};

use kubecheck_plugin_abi::pack;

struct Buffers {
    input: Option<Vec<u8>>,
    output: Vec<u8>,
}

static BUFFERS: Mutex<Buffers> = Mutex::new(Buffers {
    input: None,
    output: Vec::new(),
});

fn buffers() -> MutexGuard<'static, Buffers> {
    // A panic while holding the lock aborts under the wasm profile; natively the state
    // is still consistent (each field is replaced whole), so a poisoned lock is usable.
    BUFFERS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Wasm pointers are 32-bit; the ABI passes them as `i32`.
fn address(bytes: &[u8]) -> i32 {
    bytes.as_ptr() as usize as u32 as i32
}

/// `kubecheck_alloc`: a zeroed buffer of `len` bytes for the host to write the input to,
/// or 0 if `len` is negative or the memory cannot grow that far.
pub fn alloc(len: i32) -> i32 {
    let Ok(len) = usize::try_from(len) else {
        return 0;
    };
    let mut buffer = Vec::new();
    if buffer.try_reserve_exact(len).is_err() {
        return 0;
    }
    buffer.resize(len, 0);
    let ptr = address(&buffer);
    buffers().input = Some(buffer);
    ptr
}

/// Keeps `output` until the next call and returns its packed pointer and length.
pub fn respond(output: Vec<u8>) -> i64 {
    let mut buffers = buffers();
    buffers.output = output;
    pack(address(&buffers.output) as u32, buffers.output.len() as u32)
}

/// `kubecheck_check`: takes back the input buffer at `ptr`/`len` and answers with `run`.
pub fn check(ptr: i32, len: i32, run: fn(&[u8]) -> Vec<u8>) -> i64 {
    let input = {
        let mut buffers = buffers();
        buffers.output = Vec::new();
        match buffers.input.take() {
            Some(input) if address(&input) == ptr && usize::try_from(len) == Ok(input.len()) => {
                Some(input)
            }
            other => {
                buffers.input = other;
                None
            }
        }
    };
    let output = match input {
        Some(input) => run(&input),
        None => br#"{"error":"kubecheck_check was given a pointer and length that kubecheck_alloc did not return"}"#.to_vec(),
    };
    respond(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(input: &[u8]) -> Vec<u8> {
        input.to_vec()
    }

    /// The output buffer the last packed result points at.
    fn output(packed: i64) -> Vec<u8> {
        let buffers = buffers();
        assert_eq!(
            pack(address(&buffers.output) as u32, buffers.output.len() as u32),
            packed
        );
        buffers.output.clone()
    }

    // One test for the whole protocol: the state is process-wide.
    #[test]
    fn input_is_owned_once_and_foreign_pointers_are_refused() {
        assert_eq!(alloc(-1), 0);

        let ptr = alloc(5);
        buffers().input.as_mut().unwrap().copy_from_slice(b"hello");
        assert_eq!(output(check(ptr, 5, echo)), b"hello");
        assert!(buffers().input.is_none(), "check frees the input");

        // The same pointer again is no longer ours.
        let refused = output(check(ptr, 5, echo));
        assert!(String::from_utf8(refused)
            .unwrap()
            .contains("did not return"));

        let ptr = alloc(4);
        let refused = output(check(ptr, 3, echo));
        assert!(String::from_utf8(refused)
            .unwrap()
            .contains("did not return"));
        assert!(buffers().input.is_some(), "a refused call keeps the input");
        assert_eq!(output(check(ptr, 4, echo)), [0, 0, 0, 0]);

        assert_eq!(output(respond(b"{}".to_vec())), b"{}");
    }
}
