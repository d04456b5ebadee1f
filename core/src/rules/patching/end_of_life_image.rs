use super::image_ref::{tag_version, ImageRef};
use crate::data::image_lifecycle::{Product, PRODUCTS, SOURCE_DATE};
use crate::data::k8s_releases::DATA_DATE;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};

declare_rule! {
    /// ## What it does
    /// Flags containers running a release of well-known software that is past its end
    /// of life: the image repository names the product (`postgres`, `mysql`, `redis`,
    /// `node`, `python`, `nginx`, `mongo`, `golang`, `alpine`, `bitnami/…`, and some
    /// thirty more) and the tag names its release cycle (`postgres:11.2` is
    /// PostgreSQL 11, `node:16-alpine` is Node.js 16). Tags that name no version
    /// (`latest`, `alpine`) and unknown cycles are not judged.
    ///
    /// ## Why is this bad?
    /// A release past its end of life gets no security fixes: every vulnerability
    /// found since stays open in the image, however recently it was built.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: db
    /// spec:
    ///   containers:
    ///   - name: postgres
    ///     image: postgres:11.22
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: db
    /// spec:
    ///   containers:
    ///   - name: postgres
    ///     image: postgres:17.6
    /// ```
    ///
    /// ## Known problems
    /// End-of-life dates are those of endoflife.date (copied on the date the message
    /// shows), for the upstream project: a vendor with longer support for the same
    /// release (a Linux distribution, a paid plan) is not known. Images are matched
    /// by repository name, so a private mirror under another name is not checked.
    ///
    /// ## References
    /// - endoflife.date
    pub static END_OF_LIFE_IMAGE = Rule {
        id: "end-of-life-image",
        title: "Image of a software release past end of life",
        category: Category::Patching,
        severity: Severity::Medium,
        applies_to: "Pod and workloads with a pod template",
        remediation: "Move to a release cycle that is still supported, and keep to its newest patch.",
        references: &["https://endoflife.date/"],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// The product and release cycle an image runs, and that cycle's end of life: the
/// longest leading part of the tag's version that names a cycle of the product.
fn release_of(image: &str) -> Option<(&'static Product, &'static str, &'static str)> {
    let image = ImageRef::parse(image);
    let repository = image.repository();
    let product = PRODUCTS
        .iter()
        .find(|p| p.repositories.contains(&repository))?;
    let version = tag_version(image.tag?);
    (1..=version.len().min(3)).rev().find_map(|n| {
        let prefix = version[..n]
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(".");
        product
            .cycles
            .iter()
            .find(|(cycle, _)| *cycle == prefix)
            .map(|(cycle, eol)| (product, *cycle, *eol))
    })
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    for c in object.pods.iter().flat_map(|pod| &pod.containers) {
        let Some(image) = c.container.image.as_deref().map(str::trim) else {
            continue;
        };
        let Some((product, cycle, eol)) = release_of(image) else {
            continue;
        };
        if eol > DATA_DATE {
            continue;
        }
        let message = format!(
            "{} `{}` runs `{image}`, {} {cycle}, past end of life since {eol} (endoflife.date data of {SOURCE_DATE})",
            c.kind.noun(),
            c.name(),
            product.name
        );
        out.report(object, c.at("image"), message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(image: &str) -> Option<(&'static str, &'static str)> {
        release_of(image).map(|(p, c, _)| (p.slug, c))
    }

    #[test]
    fn a_tag_names_the_longest_matching_cycle() {
        assert_eq!(cycle("postgres:11.2"), Some(("postgresql", "11")));
        assert_eq!(
            cycle("docker.io/library/postgres:9.6.24-alpine"),
            Some(("postgresql", "9.6"))
        );
        assert_eq!(cycle("python:3.8-slim"), Some(("python", "3.8")));
        assert_eq!(cycle("node:16-alpine"), Some(("nodejs", "16")));
        assert_eq!(
            cycle("bitnami/redis:6.0.16-debian-10-r0"),
            Some(("redis", "6.0"))
        );
        assert_eq!(
            cycle("mcr.microsoft.com/dotnet/aspnet:6.0"),
            Some(("dotnet", "6"))
        );
        assert_eq!(cycle("traefik:v2.10"), Some(("traefik", "2.10")));
        assert_eq!(
            cycle("registry.k8s.io/etcd:3.4.13-0"),
            Some(("etcd", "3.4"))
        );
        assert_eq!(cycle("python:3"), None);
        assert_eq!(cycle("nginx:alpine"), None);
        assert_eq!(cycle("example.com/postgres:11"), None);
        assert_eq!(cycle("postgres@sha256:abc"), None);
    }
}
