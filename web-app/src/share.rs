//! Share links: the manifests travel deflated and base64url-encoded in the URL fragment
//! (`#m=…`), which browsers never send to a server.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

const PREFIX: &str = "m=";
/// A shared link never expands to more than this, whatever its fragment claims.
const MAX_TEXT: usize = 16 * 1024 * 1024;

/// The fragment (without `#`) that carries `text`.
pub fn encode(text: &str) -> String {
    let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// The text a fragment carries: `Ok(None)` when it is not a share link at all.
pub fn decode(fragment: &str) -> Result<Option<String>, String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let Some(data) = fragment.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let deflated = URL_SAFE_NO_PAD
        .decode(data)
        .map_err(|e| format!("the shared link is damaged (base64: {e})"))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_TEXT)
        .map_err(|e| format!("the shared link is damaged (deflate: {e})"))?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| "the shared link does not hold UTF-8 text".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_stays_url_safe() {
        let text = "apiVersion: v1\nkind: Pod # é 😀\n".repeat(50);
        let fragment = encode(&text);
        assert!(fragment.len() < text.len() / 4, "compressed");
        assert!(fragment[2..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(decode(&format!("#{fragment}")), Ok(Some(text)));
    }

    #[test]
    fn other_fragments_and_damage_are_told_apart() {
        assert_eq!(decode(""), Ok(None));
        assert_eq!(decode("#top"), Ok(None));
        assert!(decode("#m=!!!").is_err());
        assert!(decode("#m=AAAA").is_err());
    }
}
