//! Reads bounded in size. A manifest, stdin or a plugin file may be a FIFO, `/dev/zero`
//! or just huge: reading stops one byte past the limit, so it ends with a clear error
//! instead of taking all memory.

use std::fmt;
use std::io::Read;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("larger than the limit of {}", Bytes(*.limit))]
    TooLarge { limit: u64 },
}

/// The contents of the file at `path`, if they are at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path)?;
    // Sized by what the file says it holds (a FIFO says 0), so a file is read in one
    // call, not in doubling chunks.
    let expected = file.metadata().map_or(0, |m| m.len()).min(limit) as usize;
    read_into(file, limit, Vec::with_capacity(expected.saturating_add(1)))
}

/// Everything `reader` gives, if it is at most `limit` bytes.
pub fn read_to_limit(reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_into(reader, limit, Vec::new())
}

fn read_into(reader: impl Read, limit: u64, mut bytes: Vec<u8>) -> Result<Vec<u8>, ReadError> {
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// A size as people write it: `64 MiB`, or `1000 bytes` when not a whole number of MiB.
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: u64 = 1 << 20;
        match self.0 {
            n if n >= MIB && n % MIB == 0 => write!(f, "{} MiB", n / MIB),
            n => write!(f, "{n} bytes"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_one_byte_past_the_limit() {
        let endless = std::io::repeat(b'x');
        let error = read_to_limit(endless, 64 << 20).unwrap_err();
        assert_eq!(error.to_string(), "larger than the limit of 64 MiB");
        assert_eq!(read_to_limit(&b"abcd"[..], 4).unwrap(), b"abcd");
        assert_eq!(
            read_to_limit(&b"abcde"[..], 4).unwrap_err().to_string(),
            "larger than the limit of 4 bytes"
        );
    }

    #[test]
    fn unreadable_files_say_why() {
        let error = read_bounded(Path::new("/nonexistent/x.yaml"), 10).unwrap_err();
        assert!(error.to_string().starts_with("cannot read: "), "{error}");
    }
}
