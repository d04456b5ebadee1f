//! API versions of well-known add-ons (custom resources) that their project has removed,
//! with the add-on release that stopped serving them. Only removals the project itself
//! documents are listed, each row citing where.
//!
//! These are judged without the add-on's version (a manifest does not say which one the
//! cluster runs): a row is listed once no supported release of the add-on serves it.

/// One add-on apiVersion and its kinds.
#[derive(Clone, Copy, Debug)]
pub struct AddonApiChange {
    pub api_version: &'static str,
    pub kinds: &'static [&'static str],
    pub product: &'static str,
    /// The add-on releases, as the project numbers them.
    pub deprecated: &'static str,
    pub removed: &'static str,
    pub replacement: &'static str,
    pub changes: &'static str,
    pub source: &'static str,
}

const CERT_MANAGER_SOURCE: &str = "https://cert-manager.io/docs/releases/upgrading/remove-deprecated-apis/ (deprecated in v1.4, not served from v1.6, removed from the CRDs in v1.7)";
const CERT_MANAGER_CHANGES: &str = "`cmctl convert` rewrites the manifest for v1 (fields of `Certificate` and `CertificateRequest` were renamed between these versions)";

const fn cert_manager(
    api_version: &'static str,
    kinds: &'static [&'static str],
    replacement: &'static str,
) -> AddonApiChange {
    AddonApiChange {
        api_version,
        kinds,
        product: "cert-manager",
        deprecated: "1.4",
        removed: "1.6",
        replacement,
        changes: CERT_MANAGER_CHANGES,
        source: CERT_MANAGER_SOURCE,
    }
}

const CERT_MANAGER_KINDS: &[&str] = &[
    "Certificate",
    "CertificateRequest",
    "Issuer",
    "ClusterIssuer",
];
const ACME_KINDS: &[&str] = &["Order", "Challenge"];

pub static ADDON_API_CHANGES: &[AddonApiChange] = &[
    cert_manager(
        "cert-manager.io/v1alpha2",
        CERT_MANAGER_KINDS,
        "cert-manager.io/v1",
    ),
    cert_manager(
        "cert-manager.io/v1alpha3",
        CERT_MANAGER_KINDS,
        "cert-manager.io/v1",
    ),
    cert_manager(
        "cert-manager.io/v1beta1",
        CERT_MANAGER_KINDS,
        "cert-manager.io/v1",
    ),
    cert_manager(
        "acme.cert-manager.io/v1alpha2",
        ACME_KINDS,
        "acme.cert-manager.io/v1",
    ),
    cert_manager(
        "acme.cert-manager.io/v1alpha3",
        ACME_KINDS,
        "acme.cert-manager.io/v1",
    ),
    cert_manager(
        "acme.cert-manager.io/v1beta1",
        ACME_KINDS,
        "acme.cert-manager.io/v1",
    ),
];

/// The row for `api_version` and `kind`, if an add-on removed that API version.
pub fn lookup(api_version: &str, kind: &str) -> Option<&'static AddonApiChange> {
    ADDON_API_CHANGES
        .iter()
        .find(|row| row.api_version == api_version && row.kinds.contains(&kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(s: &str) -> Vec<u32> {
        s.split('.').map(|n| n.parse().expect("a number")).collect()
    }

    #[test]
    fn rows_are_removed_after_deprecation_and_name_a_served_replacement() {
        for row in ADDON_API_CHANGES {
            assert!(
                version(row.deprecated) < version(row.removed),
                "{}",
                row.api_version
            );
            let group = |v: &str| v.split('/').next().unwrap_or_default().to_owned();
            assert_eq!(group(row.api_version), group(row.replacement));
            assert!(
                lookup(row.replacement, row.kinds[0]).is_none(),
                "{}",
                row.replacement
            );
            assert!(crate::data::api_lifecycle::lookup(row.api_version, row.kinds[0]).is_none());
        }
    }
}
