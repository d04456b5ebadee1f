//! Plain-scalar resolution as the Kubernetes YAML decoder (go-yaml v2, YAML 1.1) does it.
//!
//! The API server reads `privileged: yes` as `true` and `port: 0x50` as 80. A checker that
//! read them as YAML 1.2 strings would miss what the cluster will actually run.

use super::node::{Scalar, ScalarValue};

pub fn resolve_plain(text: &str) -> ScalarValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => ScalarValue::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            ScalarValue::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            ScalarValue::Bool(false)
        }
        _ => match resolve_number(text) {
            Some(Number::Int(_)) => ScalarValue::Int,
            Some(Number::Float(_)) => ScalarValue::Float,
            None => ScalarValue::Str,
        },
    }
}

/// A number as go-yaml resolves a plain scalar's text (the texts of null and the
/// booleans, which [`resolve_plain`] takes first, are none).
enum Number {
    Int(i64),
    Float(f64),
}

fn resolve_number(text: &str) -> Option<Number> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Number::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Number::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Number::Float(f64::NAN)),
        _ => {}
    }
    let first = *text.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if let Some(i) = parse_int(text) {
        return Some(Number::Int(i));
    }
    if is_float(text) {
        if let Ok(f) = text.replace('_', "").parse::<f64>() {
            return Some(Number::Float(f));
        }
    }
    None
}

/// The value of a scalar resolved to an integer ([`ScalarValue::Int`]), from its text.
pub(super) fn int_of(text: &str) -> Option<i64> {
    match resolve_number(text)? {
        Number::Int(i) => Some(i),
        Number::Float(_) => None,
    }
}

/// The value of a scalar resolved to a number, from its text: a YAML number as it
/// resolved, or the text of a JSON number (`1e5`, an integer beyond 64 bits) as JSON
/// reads it.
pub(super) fn float_of(text: &str) -> f64 {
    match resolve_number(text) {
        Some(Number::Int(i)) => i as f64,
        Some(Number::Float(f)) => f,
        None => text.parse().unwrap_or(f64::NAN),
    }
}

/// Prefix of the YAML tags that `!!` stands for.
const CORE_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// A scalar with an explicit tag (`tag` in full: `!!bool` is `tag:yaml.org,2002:bool`),
/// read as the API server reads it: sigs.k8s.io/yaml `YAMLToJSON` decodes with go-yaml v2
/// (`decoder.scalar` and `resolve` in go.yaml.in/yaml/v2) into `interface{}`:
/// - `!!str`, the non-specific `!`, local tags (`!foo`) and core tags go-yaml does not
///   resolve (`!!merge`, `!!map`, ...) give the text as a string, whatever it looks like;
/// - `!!bool`, `!!int`, `!!float` and `!!null` resolve the text as a plain scalar would
///   be (YAML 1.1: `!!bool "yes"` is true, `!!int "0x50"` is 80) and refuse the
///   document when it resolves to another type (`!!bool "maybe"`); an integer is a
///   valid `!!float`;
/// - `!!timestamp` keeps the text as a string if it is a timestamp go-yaml accepts;
/// - `!!binary` is base64, decoded to a string (invalid UTF-8 bytes become U+FFFD when
///   the decoder writes JSON).
///
/// Returns the value and, for `!!binary`, the text it stands for; the error is go-yaml's.
pub fn resolve_tagged(tag: &str, text: &str) -> Result<(ScalarValue, Option<String>), String> {
    let Some(core) = tag.strip_prefix(CORE_TAG_PREFIX) else {
        return Ok((ScalarValue::Str, None));
    };
    let mismatch = |found: &ScalarValue| {
        let shown: String = text.chars().take(60).collect();
        let cut = if shown.len() < text.len() { "…" } else { "" };
        Err(format!(
            "cannot decode !!{} `{shown}{cut}` as a !!{core} (the Kubernetes YAML decoder refuses this document)",
            type_tag(found)
        ))
    };
    let value = match core {
        "bool" | "int" | "null" => {
            let value = resolve_plain(text);
            if type_tag(&value) != core {
                return mismatch(&value);
            }
            value
        }
        "float" => match resolve_plain(text) {
            ScalarValue::Int | ScalarValue::Float => ScalarValue::Float,
            other => return mismatch(&other),
        },
        "timestamp" if is_timestamp(text) => ScalarValue::Str,
        "timestamp" => return mismatch(&resolve_plain(text)),
        "binary" => {
            let Some(bytes) = decode_base64(text) else {
                return Err("!!binary value contains invalid base64 data".to_owned());
            };
            return Ok((ScalarValue::Str, Some(utf8_per_byte_lossy(&bytes))));
        }
        _ => ScalarValue::Str,
    };
    Ok((value, None))
}

fn type_tag(value: &ScalarValue) -> &'static str {
    match value {
        ScalarValue::Null => "null",
        ScalarValue::Bool(_) => "bool",
        ScalarValue::Int => "int",
        ScalarValue::Float => "float",
        ScalarValue::Str => "str",
    }
}

/// The text of a mapping key as the decoder turns it into a JSON key: go-yaml's value,
/// printed by sigs.k8s.io/yaml `convertToJSONableObject` (`yes:` is the key `"true"`,
/// `0x10:` is `"16"`, floats as 32-bit `%g`). `None` keeps the text: strings, and null
/// keys (which the decoder refuses anyway).
pub fn json_key(scalar: &Scalar) -> Option<String> {
    match scalar.value {
        ScalarValue::Bool(b) => Some(b.to_string()),
        ScalarValue::Int => scalar.int().map(|i| i.to_string()),
        ScalarValue::Float => scalar.float().map(go_format_float32_g),
        ScalarValue::Null | ScalarValue::Str => None,
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's names for the
/// non-finite values.
fn go_format_float32_g(f: f64) -> String {
    let f = f as f32;
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0");
    }
    // Shortest round-trip digits, as Rust and Go both find them: `d.ddde±x`.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let exp: i32 = exp.parse().expect("`{:e}` exponent is an integer");
    // Shortest `%g` writes an exponent below 1e-4 and from 1e6 on (Go's `eprec = 6`).
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        return format!("{sign}0.{}{digits}", "0".repeat((-point) as usize));
    }
    let point = point as usize;
    if digits.len() <= point {
        format!("{sign}{digits}{}", "0".repeat(point - digits.len()))
    } else {
        format!("{sign}{}.{}", &digits[..point], &digits[point..])
    }
}

/// Go's `base64.StdEncoding.DecodeString`: padded standard alphabet, line breaks ignored.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b'\r' | b'\n'))
        .collect();
    if symbols.len() % 4 != 0 {
        return None;
    }
    let value = |b: u8| -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let quads = symbols.chunks(4);
    let last = quads.len().saturating_sub(1);
    for (i, quad) in quads.enumerate() {
        let padding = quad.iter().rev().take_while(|b| **b == b'=').count();
        if padding > 2 || (padding > 0 && i != last) {
            return None;
        }
        let mut bits = 0u32;
        for &b in &quad[..4 - padding] {
            bits = bits << 6 | value(b)?;
        }
        bits <<= 6 * padding as u32;
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - padding]);
    }
    Some(out)
}

/// Bytes as a string the way Go's `json.Marshal` writes them: each byte that does not
/// start a valid UTF-8 sequence becomes U+FFFD on its own.
fn utf8_per_byte_lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).expect("checked valid"));
                out.push(char::REPLACEMENT_CHARACTER);
                bytes = &rest[1..];
            }
        }
    }
}

/// go-yaml's `parseTimestamp`: `YYYY-M-D`, optionally followed by `T`/`t` and
/// `h:m:s[.frac]` with `Z` or `±hh:mm`, or by a space and `h:m:s[.frac]` (Go
/// `time.Parse` layouts `2006-1-2T15:4:5.999999999Z07:00`, `2006-1-2 15:4:5.999999999`
/// and `2006-1-2`, with their range checks).
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    let mut at = 0;
    // One or two digits, as Go's `getnum(value, false)` takes them.
    let number = |at: &mut usize, max_digits: usize| -> Option<u32> {
        let start = *at;
        while *at < b.len() && *at - start < max_digits && b[*at].is_ascii_digit() {
            *at += 1;
        }
        (*at > start)
            .then(|| text[start..*at].parse().ok())
            .flatten()
    };
    let expect = |at: &mut usize, c: u8| -> bool {
        let ok = b.get(*at) == Some(&c);
        *at += usize::from(ok);
        ok
    };
    if b.len() < 4 || !b[..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let year: u32 = text[..4].parse().unwrap_or(0);
    at += 4;
    if !expect(&mut at, b'-') {
        return false;
    }
    let Some(month) = number(&mut at, 2).filter(|m| (1..=12).contains(m)) else {
        return false;
    };
    if !expect(&mut at, b'-') {
        return false;
    }
    let Some(day) = number(&mut at, 2) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days {
        return false;
    }
    if at == b.len() {
        return true;
    }
    let zoned = match b[at] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    at += 1;
    let time = number(&mut at, 2).is_some_and(|h| h < 24)
        && expect(&mut at, b':')
        && number(&mut at, 2).is_some_and(|m| m < 60)
        && expect(&mut at, b':')
        && number(&mut at, 2).is_some_and(|s| s < 60);
    if !time {
        return false;
    }
    if matches!(b.get(at), Some(b'.' | b',')) && b.get(at + 1).is_some_and(u8::is_ascii_digit) {
        at += 1;
        while at < b.len() && b[at].is_ascii_digit() {
            at += 1;
        }
    }
    if !zoned {
        return at == b.len();
    }
    match &b[at..] {
        [b'Z'] => true,
        [sign, h1, h2, b':', m1, m2] => {
            let two = |x: u8, y: u8| {
                (x.is_ascii_digit() && y.is_ascii_digit()).then(|| (x - b'0') * 10 + (y - b'0'))
            };
            matches!(sign, b'+' | b'-')
                && two(*h1, *h2).is_some_and(|h| h <= 24)
                && two(*m1, *m2).is_some_and(|m| m <= 60)
        }
        _ => false,
    }
}

/// Whether `text`, written plain, reads back as a string.
pub fn resolve_plain_is_string(text: &str) -> bool {
    !text.is_empty() && resolve_plain(text) == ScalarValue::Str
}

fn parse_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let cleaned = digits.replace('_', "");
    let (radix, body) = if let Some(hex) = cleaned.strip_prefix("0x") {
        (16, hex.to_string())
    } else if let Some(bin) = cleaned.strip_prefix("0b") {
        (2, bin.to_string())
    } else if let Some(oct) = cleaned.strip_prefix("0o") {
        (8, oct.to_string())
    } else if cleaned.len() > 1 && cleaned.starts_with('0') {
        (8, cleaned[1..].to_string())
    } else {
        (10, cleaned)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(&body, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// `[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?`
fn is_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes[0], b'-' | b'+'));
    let int_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
        i += 1;
    }
    let mut digits = i > int_start;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
            i += 1;
        }
        digits |= i > frac_start;
    }
    if !digits {
        return false;
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        i += 1;
        if i < bytes.len() && matches!(bytes[i], b'-' | b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_booleans_and_numbers() {
        assert_eq!(resolve_plain("yes"), ScalarValue::Bool(true));
        assert_eq!(resolve_plain("Off"), ScalarValue::Bool(false));
        for (text, int) in [("0x50", 80), ("0755", 493), ("-12", -12), ("0b101", 5)] {
            assert_eq!(resolve_plain(text), ScalarValue::Int, "{text}");
            assert_eq!(int_of(text), Some(int), "{text}");
            assert_eq!(float_of(text), int as f64, "{text}");
        }
        for (text, float) in [("1.5", 1.5), ("1e3", 1000.0), ("-.inf", f64::NEG_INFINITY)] {
            assert_eq!(resolve_plain(text), ScalarValue::Float, "{text}");
            assert_eq!(int_of(text), None, "{text}");
            assert_eq!(float_of(text), float, "{text}");
        }
        assert!(float_of(".nan").is_nan());
        assert_eq!(resolve_plain("1.2.3"), ScalarValue::Str);
        assert_eq!(resolve_plain("nginx"), ScalarValue::Str);
        assert_eq!(resolve_plain("~"), ScalarValue::Null);
        assert_eq!(resolve_plain("-"), ScalarValue::Str);
        assert_eq!(resolve_plain("99999999999999999999"), ScalarValue::Float);
        assert_eq!(float_of("99999999999999999999"), 1e20);
        // The texts JSON numbers are read from (`objects::from_json`).
        assert_eq!(float_of("18446744073709551615"), 18446744073709551615.0);
        assert_eq!(float_of("1e300"), 1e300);
    }

    fn tagged(tag: &str, text: &str) -> Result<(ScalarValue, Option<String>), String> {
        resolve_tagged(&format!("{CORE_TAG_PREFIX}{tag}"), text)
    }

    fn value(tag: &str, text: &str) -> ScalarValue {
        tagged(tag, text).unwrap().0
    }

    fn refused(tag: &str, text: &str) -> String {
        tagged(tag, text).unwrap_err()
    }

    #[test]
    fn str_and_unresolved_tags_keep_the_text_as_a_string() {
        assert_eq!(value("str", "true"), ScalarValue::Str);
        assert_eq!(value("str", "0x50"), ScalarValue::Str);
        assert_eq!(value("merge", "<<"), ScalarValue::Str);
        assert_eq!(value("map", "x"), ScalarValue::Str);
        for tag in ["!", "!foo", "tag:example.com,2024:bool"] {
            assert_eq!(resolve_tagged(tag, "true"), Ok((ScalarValue::Str, None)));
        }
    }

    #[test]
    fn bool_int_float_and_null_resolve_as_plain_or_refuse() {
        assert_eq!(value("bool", "true"), ScalarValue::Bool(true));
        assert_eq!(value("bool", "yes"), ScalarValue::Bool(true));
        assert_eq!(value("bool", "Off"), ScalarValue::Bool(false));
        assert_eq!(
            refused("bool", "maybe"),
            "cannot decode !!str `maybe` as a !!bool (the Kubernetes YAML decoder refuses this document)"
        );
        assert!(refused("bool", "").contains("!!null ``"));
        assert!(refused("bool", "1").contains("!!int `1`"));
        for (text, int) in [("0x50", 80), ("0o17", 15), ("-1_000", -1000)] {
            assert_eq!(value("int", text), ScalarValue::Int, "{text}");
            assert_eq!(int_of(text), Some(int), "{text}");
        }
        assert!(refused("int", "1.5").contains("!!float"));
        assert!(refused("int", "true").contains("!!bool"));
        // A `!!float` keeps its text; the value is read from it as it resolved.
        for (text, float) in [
            ("1", 1.0),
            ("0x10", 16.0),
            ("1.5", 1.5),
            (".inf", f64::INFINITY),
        ] {
            assert_eq!(value("float", text), ScalarValue::Float, "{text}");
            assert_eq!(float_of(text), float, "{text}");
        }
        assert!(refused("float", "x").contains("!!str"));
        assert_eq!(value("null", ""), ScalarValue::Null);
        assert_eq!(value("null", "~"), ScalarValue::Null);
        assert!(refused("null", "x").contains("as a !!null"));
        let long = refused("bool", &"x".repeat(1000));
        assert!(long.len() < 200 && long.contains('…'), "{long}");
    }

    #[test]
    fn timestamps_are_checked_and_kept_as_text() {
        for ok in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14t21:59:43.10Z",
            "2001-12-14T21:59:43.10-05:00",
            "2001-12-14T1:2:3Z",
            "2001-12-14 21:59:43.10",
            "2000-02-29",
        ] {
            assert_eq!(value("timestamp", ok), ScalarValue::Str, "{ok}");
        }
        for bad in [
            "2001-12-14T21:59:43",
            "2001-12-14 21:59:43Z",
            "2001-02-29",
            "2001-13-01",
            "2001-12-14T24:00:00Z",
            "2001-12-14T21:59:43+0500",
            "01-12-14",
            "12",
            "",
        ] {
            assert!(
                refused("timestamp", bad).contains("as a !!timestamp"),
                "{bad}"
            );
        }
    }

    #[test]
    fn binary_is_decoded_as_go_would() {
        let decoded = |text| tagged("binary", text).unwrap();
        assert_eq!(
            decoded("aGVsbG8="),
            (ScalarValue::Str, Some("hello".into()))
        );
        assert_eq!(decoded("aGVs\nbG8=\n").1.as_deref(), Some("hello"));
        assert_eq!(decoded("cHJpdmlsZWdlZA==").1.as_deref(), Some("privileged"));
        assert_eq!(decoded("").1.as_deref(), Some(""));
        // 0xff 0xe2 0x82 'A': Go's JSON writes one U+FFFD per invalid byte.
        assert_eq!(
            decoded("/+KCQQ==").1.as_deref(),
            Some("\u{fffd}\u{fffd}\u{fffd}A")
        );
        for bad in ["aGVsbG8", "aGVs bG8=", "a===", "aGVs=bG8", "@@@@"] {
            assert_eq!(
                refused("binary", bad),
                "!!binary value contains invalid base64 data",
                "{bad}"
            );
        }
    }

    #[test]
    fn keys_are_printed_as_the_decoder_prints_them() {
        let key = |text: &str, value| {
            json_key(&Scalar {
                text: text.into(),
                style: super::super::ScalarStyle::Plain,
                value,
            })
        };
        assert_eq!(key("yes", ScalarValue::Bool(true)).as_deref(), Some("true"));
        assert_eq!(key("-0x10", ScalarValue::Int).as_deref(), Some("-16"));
        assert_eq!(key("x", ScalarValue::Str), None);
        assert_eq!(key("~", ScalarValue::Null), None);
        for (float, printed) in [
            ("1000.0", "1000"),
            ("1.5", "1.5"),
            ("0.1", "0.1"),
            ("123456.0", "123456"),
            ("1e6", "1e+06"),
            ("1234567.0", "1.234567e+06"),
            ("1.5e-5", "1.5e-05"),
            ("0.0001", "0.0001"),
            ("-2.5", "-2.5"),
            ("0.0", "0"),
            ("1e300", ".inf"),
            ("-.inf", "-.inf"),
            (".nan", ".nan"),
        ] {
            assert_eq!(
                key(float, ScalarValue::Float).as_deref(),
                Some(printed),
                "{float}"
            );
        }
    }
}
