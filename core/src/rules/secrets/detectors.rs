//! Secret detectors as data: one row per credential format, with the literal keywords
//! that start a match, the shape that follows, the least entropy a real one has, a
//! fake but well-formed example (the corpus test and the table test use it) and where
//! the format is documented.
//!
//! Why no `regex` crate: every format here starts with a fixed literal (a prefix such as
//! `ghp_`, or a key such as `AccountKey=`), so one Aho-Corasick pass (already a
//! dependency for redaction) finds the candidates and a small matcher reads the bounded
//! shape after each. Scanning stays linear in the value, and the browser build carries
//! no regex engine.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

/// Characters a secret's body is made of.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Class {
    UpperDigit,
    Alnum,
    /// Letters, digits, `_`.
    Word,
    /// Letters, digits, `_`, `-`.
    WordDash,
    /// Letters, digits, `+`, `/`, `=`.
    Base64,
    /// Letters, digits, `-`, `_`, `.` (JWT segments, SendGrid parts).
    Base64UrlDot,
    Hex,
    /// A URL query value: letters, digits, `%`, `+`, `/`, `=`, `-`, `_`.
    UrlValue,
    /// Anything but whitespace, quotes, `;` and `,`: a connection-string value.
    Field,
    /// Anything but `"`: a JSON string (escapes stay as written).
    JsonString,
    /// Anything but a line break: the rest of a line.
    Line,
}

impl Class {
    fn has(self, c: u8) -> bool {
        match self {
            Class::UpperDigit => c.is_ascii_uppercase() || c.is_ascii_digit(),
            Class::Alnum => c.is_ascii_alphanumeric(),
            Class::Word => c.is_ascii_alphanumeric() || c == b'_',
            Class::WordDash => c.is_ascii_alphanumeric() || c == b'_' || c == b'-',
            Class::Base64 => c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='),
            Class::Base64UrlDot => c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'),
            Class::Hex => c.is_ascii_hexdigit(),
            Class::UrlValue => {
                c.is_ascii_alphanumeric() || matches!(c, b'%' | b'+' | b'/' | b'=' | b'-' | b'_')
            }
            Class::Field => !c.is_ascii_whitespace() && !matches!(c, b'"' | b'\'' | b';' | b','),
            Class::JsonString => c != b'"',
            Class::Line => c != b'\n' && c != b'\r',
        }
    }
}

/// What follows a keyword.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pattern {
    /// The keyword is the token's prefix and part of the secret; the body follows at
    /// once. Neither end may touch another character of the body's class (or a
    /// letter or digit before the prefix).
    Token { body: Class, min: usize, max: usize },
    /// The keyword names a value (`AccountKey=`, `"private_key":`): after it, optional
    /// blanks, quotes, `=` or `:`, then the value, which alone is the secret.
    Assigned { body: Class, min: usize, max: usize },
    /// `eyJ…` header, payload and signature, base64url, separated by dots.
    Jwt,
    /// A PEM block whose label says private key, to its `-----END` line.
    PemPrivateKey,
    /// `scheme://user:password@host`: the password is the secret.
    UrlPassword,
    /// `user:<hash>` at the start of a line, the keyword opening the hash.
    Htpasswd,
}

#[derive(Debug, PartialEq)]
pub struct Detector {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// What a finding calls it: `a GitHub token`.
    pub what: &'static str,
    /// Literal, case-sensitive text that starts a candidate.
    pub keywords: &'static [&'static str],
    /// Text that must also be in the scanned value (the `service_account` of a GCP key).
    pub requires: &'static [&'static str],
    pub pattern: Pattern,
    /// Least Shannon entropy (bits per character) of the secret; random credentials
    /// have 4 and more, `xxxxxxxx` has 0.
    pub min_entropy: f64,
    /// A fake, well-formed value holding the secret.
    pub example: &'static str,
    /// Where the format is documented.
    pub source: &'static str,
}

const PEM_MAX: usize = 64 * 1024;

/// The table. Order matters only for ties: where two matches overlap, the longer wins.
pub static DETECTORS: &[Detector] = &[
    Detector {
        id: "aws-access-key-id",
        what: "an AWS access key id",
        keywords: &["AKIA", "ASIA"],
        requires: &[],
        pattern: Pattern::Token { body: Class::UpperDigit, min: 16, max: 16 },
        min_entropy: 3.0,
        example: "aws_access_key_id = AKIA2E0A8F3B244C9986",
        source: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",
    },
    Detector {
        id: "aws-secret-access-key",
        what: "an AWS secret access key",
        keywords: &["aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", "SecretAccessKey", "secretAccessKey"],
        requires: &[],
        pattern: Pattern::Assigned { body: Class::Base64, min: 40, max: 40 },
        min_entropy: 3.5,
        example: "aws_secret_access_key = Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo",
        source: "https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html",
    },
    Detector {
        id: "gcp-service-account-key",
        what: "a GCP service account private key",
        keywords: &["\"private_key\""],
        requires: &["service_account"],
        pattern: Pattern::Assigned { body: Class::JsonString, min: 64, max: PEM_MAX },
        min_entropy: 3.0,
        example: "{\"type\": \"service_account\", \"project_id\": \"shop\", \"private_key_id\": \"4f1c\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vq3pX9yZ2kLm\\n-----END PRIVATE KEY-----\\n\", \"client_email\": \"ci@shop.iam.gserviceaccount.com\"}",
        source: "https://cloud.google.com/iam/docs/keys-create-delete#creating",
    },
    Detector {
        id: "azure-storage-account-key",
        what: "an Azure storage account key",
        keywords: &["AccountKey="],
        requires: &[],
        pattern: Pattern::Assigned { body: Class::Base64, min: 86, max: 88 },
        min_entropy: 4.0,
        example: "DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey=q7Zr2XyV9bN4mK1pL8sT3wE6uH0jD5fG2aC9vB7nM4xQ1zR8yW3kJ6tP0oI5uY2eA3sD6fG9hJ1kL4zX7cV0bN==;EndpointSuffix=core.windows.net",
        source: "https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string",
    },
    Detector {
        id: "azure-sas-token",
        what: "an Azure shared access signature",
        keywords: &["sig="],
        requires: &["sv="],
        pattern: Pattern::Assigned { body: Class::UrlValue, min: 40, max: 200 },
        min_entropy: 3.5,
        example: "https://shopdata.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T00:00:00Z&sig=Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHkxMjM0NTY3ODk%3D",
        source: "https://learn.microsoft.com/rest/api/storageservices/create-account-sas",
    },
    Detector {
        id: "oci-config-pass-phrase",
        what: "an Oracle Cloud (OCI) API key pass phrase",
        keywords: &["pass_phrase"],
        requires: &["ocid1."],
        pattern: Pattern::Assigned { body: Class::Field, min: 6, max: 256 },
        min_entropy: 2.5,
        example: "[DEFAULT]\nuser=ocid1.user.oc1..aaaaaaaexampleuser\nfingerprint=20:3b:97:13:55:1c\nkey_file=/etc/oci/key.pem\npass_phrase=Tq9-vLm2#Rw7zPx4\ntenancy=ocid1.tenancy.oc1..aaaaaaaexampletenancy\nregion=eu-frankfurt-1",
        source: "https://docs.oracle.com/iaas/Content/API/Concepts/sdkconfig.htm",
    },
    Detector {
        id: "github-token",
        what: "a GitHub token",
        keywords: &["ghp_", "gho_", "ghs_", "ghu_", "ghr_"],
        requires: &[],
        pattern: Pattern::Token { body: Class::Alnum, min: 36, max: 36 },
        min_entropy: 3.5,
        example: "GITHUB_TOKEN=ghp_R8fT2kLq9ZxV4mN7pW1sY6cB3dH0jG5aE8uK",
        source: "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
    },
    Detector {
        id: "github-fine-grained-token",
        what: "a GitHub fine-grained token",
        keywords: &["github_pat_"],
        requires: &[],
        pattern: Pattern::Token { body: Class::Word, min: 82, max: 82 },
        min_entropy: 3.5,
        example: "github_pat_11ABCDEFG0aB3cD5eF7gH9_kL2mN4pQ6rS8tU0vW1xY3zA5bC7dE9fG1hJ3kL5mN7pQ9rS2tU4vW6xY8zA",
        source: "https://docs.github.com/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens",
    },
    Detector {
        id: "gitlab-token",
        what: "a GitLab personal access token",
        keywords: &["glpat-"],
        requires: &[],
        pattern: Pattern::Token { body: Class::WordDash, min: 20, max: 64 },
        min_entropy: 3.0,
        example: "gitlab_token: glpat-Xy7Qm2Rk9Tz4Wp1Lv8Nc",
        source: "https://docs.gitlab.com/ee/security/tokens/#token-prefixes",
    },
    Detector {
        id: "slack-token",
        what: "a Slack token",
        keywords: &["xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"],
        requires: &[],
        pattern: Pattern::Token { body: Class::WordDash, min: 20, max: 250 },
        min_entropy: 3.0,
        example: "SLACK_BOT=xoxb-2810746112-5921034418821-Qm8ZtR2kLp9XvN4wY7sB1cD3",
        source: "https://api.slack.com/authentication/token-types",
    },
    Detector {
        id: "slack-webhook",
        what: "a Slack incoming webhook URL",
        keywords: &["https://hooks.slack.com/services/"],
        requires: &[],
        pattern: Pattern::Token { body: Class::UrlValue, min: 30, max: 120 },
        min_entropy: 3.5,
        example: "url: https://hooks.slack.com/services/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",
        source: "https://api.slack.com/messaging/webhooks",
    },
    Detector {
        id: "stripe-secret-key",
        what: "a Stripe live secret key",
        keywords: &["sk_live_", "rk_live_"],
        requires: &[],
        pattern: Pattern::Token { body: Class::Alnum, min: 24, max: 247 },
        min_entropy: 3.5,
        example: "stripe: sk_live_51Hq8ZtR2kLp9XvN4wY7sB1cD3fG6hJ",
        source: "https://docs.stripe.com/keys",
    },
    Detector {
        id: "twilio-api-key",
        what: "a Twilio API key",
        keywords: &["SK"],
        requires: &[],
        pattern: Pattern::Token { body: Class::Hex, min: 32, max: 32 },
        min_entropy: 3.0,
        example: "twilio: SK8f3a9c2e7b1d4f6a0c5e8b2d7f1a3c9e",
        source: "https://www.twilio.com/docs/iam/api-keys",
    },
    Detector {
        id: "sendgrid-api-key",
        what: "a SendGrid API key",
        keywords: &["SG."],
        requires: &[],
        pattern: Pattern::Token { body: Class::Base64UrlDot, min: 66, max: 66 },
        min_entropy: 3.5,
        example: "SENDGRID=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",
        source: "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
    },
    Detector {
        id: "npm-token",
        what: "an npm access token",
        keywords: &["npm_"],
        requires: &[],
        pattern: Pattern::Token { body: Class::Alnum, min: 36, max: 36 },
        min_entropy: 3.5,
        example: "//registry.npmjs.org/:_authToken=npm_Qx8Rm2Tk9Zp4Wl1Vn7Yc3Bd6Fh0Jg5Ks2Lq7",
        source: "https://github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format/",
    },
    Detector {
        id: "pypi-token",
        what: "a PyPI API token",
        keywords: &["pypi-AgEIcHlwaS5vcmc"],
        requires: &[],
        pattern: Pattern::Token { body: Class::WordDash, min: 50, max: 250 },
        min_entropy: 3.5,
        example: "password = pypi-AgEIcHlwaS5vcmcCJDk3ZjQ2YTFiLWQ5ZmMtNDU1Yy04MzEyLTg0ZDI5Y2FhNmE0NgACKlsz",
        source: "https://pypi.org/help/#apitoken",
    },
    Detector {
        id: "jwt",
        what: "a JSON Web Token",
        keywords: &["eyJ"],
        requires: &[],
        pattern: Pattern::Jwt,
        min_entropy: 3.5,
        example: "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjaS1ib3QiLCJpYXQiOjE3MDAwMDAwMDB9.Xk3Rm8Tq2Zp7Wl4Vn1Yc9Bd6Fh0Jg5Ks2Lq3Mw8Nx",
        source: "https://datatracker.ietf.org/doc/html/rfc7519#section-3",
    },
    Detector {
        id: "pem-private-key",
        what: "a PEM private key",
        keywords: &["-----BEGIN "],
        requires: &[],
        pattern: Pattern::PemPrivateKey,
        min_entropy: 3.0,
        example: "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi7Lm2Qx8Rk4Tp1Wz6Vn3Yc0Bd\n-----END RSA PRIVATE KEY-----\n",
        source: "https://datatracker.ietf.org/doc/html/rfc7468#section-10",
    },
    Detector {
        id: "url-password",
        what: "a URL with a password",
        keywords: &["://"],
        requires: &[],
        pattern: Pattern::UrlPassword,
        min_entropy: 0.0,
        example: "DATABASE_URL=postgres://shop:Vq8-rT2kLm9x@db.shop.svc:5432/orders",
        source: "https://datatracker.ietf.org/doc/html/rfc3986#section-3.2.1",
    },
    Detector {
        id: "connection-string-password",
        what: "a connection string password",
        keywords: &["Password=", "password=", "PASSWORD=", "Pwd=", "pwd=", "PWD="],
        requires: &[],
        pattern: Pattern::Assigned { body: Class::Field, min: 1, max: 256 },
        min_entropy: 0.0,
        example: "Server=sql.shop.svc;Database=orders;User Id=app;Password=Kx7-mQ2zR9wL;",
        source: "https://learn.microsoft.com/dotnet/framework/data/adonet/connection-string-syntax",
    },
    Detector {
        id: "htpasswd-hash",
        what: "an htpasswd password hash",
        keywords: &["$2y$", "$2a$", "$2b$", "$apr1$", "{SHA}"],
        requires: &[],
        pattern: Pattern::Htpasswd,
        min_entropy: 3.0,
        example: "admin:$apr1$Zq8Rm2Tk$Xp4Wl1Vn7Yc3Bd6Fh0Jg5K\n",
        source: "https://httpd.apache.org/docs/2.4/misc/password_encryptions.html",
    },
    Detector {
        id: "kubeconfig-client-key",
        what: "a kubeconfig client key",
        keywords: &["client-key-data:"],
        requires: &[],
        pattern: Pattern::Assigned { body: Class::Base64, min: 20, max: PEM_MAX },
        min_entropy: 3.5,
        example: "users:\n- name: ci\n  user:\n    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUdsbVpXRnJaVzg9\n",
        source: "https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/",
    },
    Detector {
        id: "kubeconfig-token",
        what: "a kubeconfig bearer token",
        keywords: &["token:"],
        requires: &["kind: Config"],
        pattern: Pattern::Assigned { body: Class::Field, min: 16, max: 4096 },
        min_entropy: 3.0,
        example: "apiVersion: v1\nkind: Config\nusers:\n- name: ci\n  user:\n    token: 7f3kq2.zr9wl4vn1yc8bd6f\n",
        source: "https://kubernetes.io/docs/reference/config-api/kubeconfig.v1/#AuthInfo",
    },
];

/// A secret found in a value: which detector, and the byte range of the secret.
#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub detector: &'static Detector,
    pub range: Range<usize>,
}

fn keywords() -> &'static (AhoCorasick, Vec<usize>) {
    static KEYWORDS: OnceLock<(AhoCorasick, Vec<usize>)> = OnceLock::new();
    KEYWORDS.get_or_init(|| {
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (i, d) in DETECTORS.iter().enumerate() {
            for k in d.keywords {
                patterns.push(*k);
                owners.push(i);
            }
        }
        let matcher = AhoCorasick::new(&patterns).expect("the keywords are plain literals");
        (matcher, owners)
    })
}

/// Every secret the table recognises in `text`, in order, none overlapping (of two
/// overlapping matches the longer is kept). Placeholders are left out.
pub fn find(text: &str) -> Vec<Match> {
    let (matcher, owners) = keywords();
    let mut found: Vec<Match> = Vec::new();
    // Where each detector's last match ended: a keyword inside it (a PEM header repeated
    // in a key cut short) starts no new scan, which keeps the scan linear.
    let mut matched_until = vec![0usize; DETECTORS.len()];
    let mut runs = Runs::default();
    for m in matcher.find_overlapping_iter(text) {
        let index = owners[m.pattern().as_usize()];
        let detector = &DETECTORS[index];
        if m.start() < matched_until[index] || !detector.requires.iter().all(|r| text.contains(r)) {
            continue;
        }
        let Some(range) = match_at(detector.pattern, text, m.start(), m.end(), &mut runs) else {
            continue;
        };
        matched_until[index] = range.end;
        let secret = &text[range.clone()];
        if entropy(secret) < detector.min_entropy || super::looks_like_placeholder(secret) {
            continue;
        }
        found.push(Match { detector, range });
    }
    found.sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
    let mut kept: Vec<Match> = Vec::with_capacity(found.len());
    for m in found {
        match kept.last_mut() {
            Some(last) if m.range.start < last.range.end => {
                if m.range.len() > last.range.len() {
                    *last = m;
                }
            }
            _ => kept.push(m),
        }
    }
    kept
}

/// The last run of each class found to its end: a run read from inside it ends at the
/// same place, so keywords repeated within one long run (`token:token:…`) are not each
/// followed to its end again.
#[derive(Default)]
struct Runs {
    ends: Vec<(std::mem::Discriminant<Class>, Range<usize>)>,
}

impl Runs {
    /// Length of the run of `class` characters at `from`, at most `max + 1` (so that a
    /// run longer than `max` is seen to be).
    fn run(&mut self, text: &[u8], from: usize, class: Class, max: usize) -> usize {
        let key = std::mem::discriminant(&class);
        let from = from.min(text.len());
        if let Some((_, known)) = self.ends.iter().find(|(k, _)| *k == key) {
            if known.contains(&from) {
                return (known.end - from).min(max.saturating_add(1));
            }
        }
        // Read to the run's end once, however long: every later start inside it is
        // answered from here.
        let len = text[from..].iter().take_while(|&&c| class.has(c)).count();
        self.ends.retain(|(k, _)| *k != key);
        self.ends.push((key, from..from + len));
        len.min(max.saturating_add(1))
    }
}

fn match_at(
    pattern: Pattern,
    text: &str,
    start: usize,
    end: usize,
    runs: &mut Runs,
) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    match pattern {
        Pattern::Token { body, min, max } => {
            if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || body.has(bytes[start - 1]))
            {
                return None;
            }
            let len = runs.run(bytes, end, body, max);
            (min..=max).contains(&len).then_some(start..end + len)
        }
        Pattern::Assigned { body, min, max } => {
            // A key of its own: `spring.datasource.password=` is a name for the
            // name-based detection, not a connection string.
            if start > 0
                && (bytes[start - 1].is_ascii_alphanumeric() || b"._-".contains(&bytes[start - 1]))
            {
                return None;
            }
            let mut at = end;
            while at < bytes.len() && matches!(bytes[at], b' ' | b'\t' | b'"' | b'\'' | b':' | b'=')
            {
                at += 1;
                if at - end > 8 {
                    return None;
                }
            }
            let len = runs.run(bytes, at, body, max);
            let mut value = at..at + len;
            // A quoted value's closing quote, or a trailing blank of a line, is not part of it.
            while value.end > value.start
                && matches!(bytes[value.end - 1], b' ' | b'\t' | b'"' | b'\'')
            {
                value.end -= 1;
            }
            (value.len() >= min && len <= max).then_some(value)
        }
        Pattern::Jwt => jwt(bytes, start),
        Pattern::PemPrivateKey => pem(text, start, end),
        Pattern::UrlPassword => url_password(bytes, start, end),
        Pattern::Htpasswd => htpasswd(bytes, start),
    }
}

fn jwt(bytes: &[u8], start: usize) -> Option<Range<usize>> {
    if start > 0 && Class::Base64UrlDot.has(bytes[start - 1]) {
        return None;
    }
    let len = bytes[start..]
        .iter()
        .take(16 * 1024)
        .take_while(|&&c| Class::Base64UrlDot.has(c))
        .count();
    let token = &bytes[start..start + len];
    let parts: Vec<&[u8]> = token.split(|&c| c == b'.').collect();
    // Header, payload, signature: JWS compact serialisation (RFC 7515 §7.1).
    (parts.len() == 3 && parts[1].len() >= 8 && parts[2].len() >= 16 && parts[0].len() >= 10)
        .then_some(start..start + len)
}

/// Labels of PEM blocks that hold a private key (RFC 7468 §10, §11; OpenSSH's own; PGP's
/// armor, RFC 4880 §6.2).
fn is_private_key_label(label: &str) -> bool {
    label.ends_with("PRIVATE KEY") || label == "PGP PRIVATE KEY BLOCK"
}

fn pem(text: &str, start: usize, end: usize) -> Option<Range<usize>> {
    let rest = &text[end..];
    let label_len = rest.bytes().take(64).position(|c| c == b'-')?;
    let label = &rest[..label_len];
    if !is_private_key_label(label) || !rest[label_len..].starts_with("-----") {
        return None;
    }
    let body_start = end + label_len + 5;
    let window = &text[body_start..text.len().min(body_start + PEM_MAX)];
    let window = &window[..floor_char_boundary(window, window.len())];
    let end_marker = format!("-----END {label}-----");
    match window.find(&end_marker) {
        Some(at) => Some(start..body_start + at + end_marker.len()),
        // A key cut short is still a key: its base64 lines that follow, if any.
        None => {
            let body = cut_short_body(window);
            (body > 0).then_some(start..body_start + body)
        }
    }
}

/// Length of the base64 lines (and RFC 1421 `Proc-Type:`/`DEK-Info:` headers) that start
/// `text` after the BEGIN line, 0 unless one of at least 16 characters is there.
fn cut_short_body(text: &str) -> usize {
    let mut len = 0;
    let mut longest = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim();
        let base64 = content
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
            || content.starts_with("Proc-Type:")
            || content.starts_with("DEK-Info:");
        // The rest of the BEGIN line itself must be empty.
        if (i == 0 && !content.is_empty()) || !base64 {
            break;
        }
        longest = longest.max(content.len());
        len += line.len();
    }
    if longest >= 16 {
        len - (text[..len].len() - text[..len].trim_end().len())
    } else {
        0
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn url_password(bytes: &[u8], start: usize, end: usize) -> Option<Range<usize>> {
    // The scheme before `://`: a letter, then letters, digits, `+`, `-`, `.`.
    let scheme_len = bytes[..start]
        .iter()
        .rev()
        .take_while(|&&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        .count();
    if scheme_len == 0 {
        return None;
    }
    // The authority's userinfo ends at the last `@` before the path, query or fragment
    // (RFC 3986 §3.2); blanks and quotes end the URL.
    let authority_len = bytes[end..]
        .iter()
        .take(512)
        .take_while(|&&c| {
            !matches!(
                c,
                b'/' | b'?' | b'#' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'<' | b'>'
            )
        })
        .count();
    let authority = &bytes[end..end + authority_len];
    let at = authority.iter().rposition(|&c| c == b'@')?;
    let colon = authority[..at].iter().position(|&c| c == b':')?;
    let password = end + colon + 1..end + at;
    (!password.is_empty()).then_some(password)
}

fn htpasswd(bytes: &[u8], start: usize) -> Option<Range<usize>> {
    // `user:` from the start of the line.
    if start == 0 || bytes[start - 1] != b':' {
        return None;
    }
    let line_start = bytes[..start - 1]
        .iter()
        .rposition(|&c| c == b'\n' || c == b'\r')
        .map_or(0, |i| i + 1);
    let user = &bytes[line_start..start - 1];
    let user = user.trim_ascii_start();
    if user.is_empty() || user.iter().any(|c| c.is_ascii_whitespace() || *c == b':') {
        return None;
    }
    let hash_len = bytes[start..]
        .iter()
        .take(256)
        .take_while(|&&c| {
            c.is_ascii_alphanumeric() || matches!(c, b'$' | b'.' | b'/' | b'+' | b'=' | b'{' | b'}')
        })
        .count();
    (hash_len >= 25).then_some(start..start + hash_len)
}

/// Shannon entropy of `text` in bits per byte.
pub fn entropy(text: &str) -> f64 {
    if text.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in text.bytes() {
        counts[b as usize] += 1;
    }
    let len = text.len() as f64;
    counts
        .iter()
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = f64::from(n) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_every_row_is_complete() {
        let mut ids: Vec<&str> = DETECTORS.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DETECTORS.len(), "detector ids repeat");
        for d in DETECTORS {
            assert!(
                d.id.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'),
                "{}",
                d.id
            );
            assert!(
                !d.keywords.is_empty() && d.keywords.iter().all(|k| !k.is_empty()),
                "{}",
                d.id
            );
            assert!(
                d.what.starts_with("a ") || d.what.starts_with("an "),
                "{}",
                d.id
            );
            assert!(d.source.starts_with("https://"), "{}", d.id);
        }
    }

    #[test]
    fn every_example_is_found_by_its_own_detector_alone() {
        for d in DETECTORS {
            let found = find(d.example);
            let ids: Vec<&str> = found.iter().map(|m| m.detector.id).collect();
            assert_eq!(ids, [d.id], "{}: {:?}", d.example, found);
        }
    }

    #[test]
    fn shapes_are_exact() {
        let ids = |text: &str| -> Vec<&str> { find(text).iter().map(|m| m.detector.id).collect() };
        // Too short, too long, glued to a word.
        assert!(ids("ghp_R8fT2kLq9ZxV4mN7pW1sY6cB3dH0jG5aE8u").is_empty());
        assert!(ids("ghp_R8fT2kLq9ZxV4mN7pW1sY6cB3dH0jG5aE8uKK").is_empty());
        assert!(ids("xghp_R8fT2kLq9ZxV4mN7pW1sY6cB3dH0jG5aE8uK").is_empty());
        assert!(ids("AKIA2E0A8F3B244C99861").is_empty());
        // Public keys and certificates are not private keys.
        assert!(ids("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----").is_empty());
        assert!(ids("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----").is_empty());
        for label in [
            "EC PRIVATE KEY",
            "OPENSSH PRIVATE KEY",
            "PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY",
            "PGP PRIVATE KEY BLOCK",
            "DSA PRIVATE KEY",
        ] {
            let pem = format!("-----BEGIN {label}-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END {label}-----");
            let found = find(&pem);
            assert_eq!(found.len(), 1, "{label}");
            assert_eq!(found[0].range, 0..pem.len(), "{label}");
        }
        // URLs without a password, or whose password is a reference.
        assert!(ids("https://user@example.com/x").is_empty());
        assert!(ids("https://example.com/a:b@c").is_empty());
        assert!(ids("postgres://app:${DB_PASSWORD}@db:5432/x").is_empty());
        assert!(ids("postgres://app:<password>@db:5432/x").is_empty());
        // A JWT needs three parts.
        assert!(ids("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9").is_empty());
        // Low entropy is a placeholder.
        assert!(ids("ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").is_empty());
        // AWS's documented example key is a placeholder.
        assert!(ids("AKIAIOSFODNN7EXAMPLE").is_empty());
    }

    #[test]
    fn the_secret_is_the_password_only() {
        let text = "postgres://shop:Vq8-rT2kLm9x@db:5432/orders";
        let found = find(text);
        assert_eq!(&text[found[0].range.clone()], "Vq8-rT2kLm9x");
        let text = "Server=x;Password=\"Kx7-mQ2zR9wL\";";
        assert_eq!(&text[find(text)[0].range.clone()], "Kx7-mQ2zR9wL");
    }

    #[test]
    fn scanning_is_linear_in_pathological_values() {
        // Headers without a body are no key; a key cut short is its body's lines.
        let many = "-----BEGIN RSA PRIVATE KEY-----".repeat(20_000);
        assert!(find(&many).is_empty());
        let cut = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyu\nvBjM9Oi7Lm2Qx8Rk\nnext: AKIA2E0A8F3B244C9986";
        let found = find(cut);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            &cut[found[0].range.clone()],
            &cut[..cut.find("\nnext").unwrap()]
        );
        let urls = "a://:x@".repeat(50_000);
        assert!(find(&urls).len() <= 50_000);
        let tokens = "token:".repeat(50_000) + "kind: Config";
        assert!(find(&tokens).is_empty());
    }
}
