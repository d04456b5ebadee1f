//! HTTPS for `kubecheck serve --tls-cert FILE --tls-key FILE`: rustls on ring, TLS 1.2
//! and 1.3 only (rustls has nothing older), HTTP/1.1 by ALPN.
//!
//! cert-manager and the kubelet replace a mounted certificate in place (a symlink swap),
//! and a webhook must not need a restart for it: each handshake looks at the files'
//! identity (inode, size, mtime) and loads them again when it changed. A pair that does
//! not load (half written, key and certificate not matching) leaves the previous one in
//! use, with one warning per change.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use anyhow::{bail, Context, Result};
use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::read_limit::read_bounded;

/// Largest certificate chain or key file read: real ones are a few KiB.
const MAX_PEM_BYTES: u64 = 1 << 20;

/// The server's TLS settings, with `--tls-cert` and `--tls-key` loaded once to fail early.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let resolver = ReloadingCert::new(cert, key, Arc::clone(&provider))?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("the TLS protocol versions")?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// What identifies a version of a file on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stamp {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    use std::os::unix::fs::MetadataExt;
    // Follows symlinks: the kubelet's `..data` swap changes the target, not the link.
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        inode: meta.ino(),
        len: meta.len(),
        modified: meta.modified().ok(),
    })
}

/// The certificate and key last loaded, and the files' stamps when they were looked at.
struct Loaded {
    stamps: (Option<Stamp>, Option<Stamp>),
    key: Arc<CertifiedKey>,
}

/// A certificate resolver that reloads its files when they change.
pub struct ReloadingCert {
    cert: PathBuf,
    key: PathBuf,
    provider: Arc<CryptoProvider>,
    loaded: Mutex<Loaded>,
}

impl fmt::Debug for ReloadingCert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReloadingCert")
            .field("cert", &self.cert)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl ReloadingCert {
    pub fn new(cert: &Path, key: &Path, provider: Arc<CryptoProvider>) -> Result<Self> {
        let stamps = (stamp(cert), stamp(key));
        let certified = load(cert, key, &provider)?;
        Ok(Self {
            cert: cert.to_path_buf(),
            key: key.to_path_buf(),
            provider,
            loaded: Mutex::new(Loaded {
                stamps,
                key: Arc::new(certified),
            }),
        })
    }

    /// The pair to present now: reloaded first if either file changed since last looked at.
    fn current(&self) -> Arc<CertifiedKey> {
        let stamps = (stamp(&self.cert), stamp(&self.key));
        let mut loaded = self
            .loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if loaded.stamps != stamps {
            // Looked at once per change, whether it loads or not: a broken pair is
            // reported once, and tried again when the files change again.
            loaded.stamps = stamps;
            match load(&self.cert, &self.key, &self.provider) {
                Ok(certified) => {
                    loaded.key = Arc::new(certified);
                    eprintln!("kubecheck: reloaded the TLS certificate and key");
                }
                Err(error) => {
                    eprintln!("kubecheck: warning: keeping the previous TLS certificate: {error:#}")
                }
            }
        }
        Arc::clone(&loaded.key)
    }
}

impl ResolvesServerCert for ReloadingCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

/// The certificate chain (leaf first) and its private key, checked to belong together.
fn load(cert: &Path, key: &Path, provider: &CryptoProvider) -> Result<CertifiedKey> {
    let read = |path: &Path| {
        read_bounded(path, MAX_PEM_BYTES).with_context(|| format!("cannot read {}", path.display()))
    };
    let chain = CertificateDer::pem_slice_iter(&read(cert)?)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("{} is not a PEM certificate chain", cert.display()))?;
    if chain.is_empty() {
        bail!("{} holds no PEM certificate", cert.display());
    }
    let private = PrivateKeyDer::from_pem_slice(&read(key)?)
        .with_context(|| format!("{} holds no PEM private key", key.display()))?;
    CertifiedKey::from_der(chain, private, provider).with_context(|| {
        format!(
            "{} and {} are not a usable certificate and key",
            cert.display(),
            key.display()
        )
    })
}
