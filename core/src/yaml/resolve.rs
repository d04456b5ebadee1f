//! Plain-scalar resolution as the Kubernetes YAML decoder (go-yaml v2, YAML 1.1) does it.
//!
//! The API server reads `privileged: yes` as `true` and `port: 0x50` as 80. A checker that
//! read them as YAML 1.2 strings would miss what the cluster will actually run.

use super::node::ScalarValue;

pub fn resolve_plain(text: &str) -> ScalarValue {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarValue::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return ScalarValue::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return ScalarValue::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return ScalarValue::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return ScalarValue::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return ScalarValue::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return ScalarValue::Str;
    }
    if let Some(i) = parse_int(text) {
        return ScalarValue::Int(i);
    }
    if is_float(text) {
        if let Ok(f) = text.replace('_', "").parse::<f64>() {
            return ScalarValue::Float(f);
        }
    }
    ScalarValue::Str
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
        assert_eq!(resolve_plain("0x50"), ScalarValue::Int(80));
        assert_eq!(resolve_plain("0755"), ScalarValue::Int(493));
        assert_eq!(resolve_plain("-12"), ScalarValue::Int(-12));
        assert_eq!(resolve_plain("1.5"), ScalarValue::Float(1.5));
        assert_eq!(resolve_plain("1e3"), ScalarValue::Float(1000.0));
        assert_eq!(resolve_plain("1.2.3"), ScalarValue::Str);
        assert_eq!(resolve_plain("nginx"), ScalarValue::Str);
        assert_eq!(resolve_plain("~"), ScalarValue::Null);
        assert_eq!(resolve_plain("-"), ScalarValue::Str);
        assert_eq!(
            resolve_plain("99999999999999999999"),
            ScalarValue::Float(1e20)
        );
    }
}
