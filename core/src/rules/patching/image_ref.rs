//! Image references, `[registry[:port]/]path[:tag][@digest]`, as the image rules read them
//! (the grammar of github.com/distribution/reference, reference.go).

/// The parts of an image reference. Borrowed from the container's `image`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// Everything before the tag and digest, as written (`registry.k8s.io/kube-proxy`).
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(image: &'a str) -> ImageRef<'a> {
        let (rest, digest) = match image.split_once('@') {
            Some((rest, digest)) => (rest, Some(digest)),
            None => (image, None),
        };
        // A `:` before the last `/` is a registry port, not a tag.
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[slash..].split_once(':') {
            Some((_, tag)) => (
                &rest[..slash + rest[slash..].len() - tag.len() - 1],
                Some(tag),
            ),
            None => (rest, None),
        };
        ImageRef {
            name,
            tag: tag.filter(|t| !t.is_empty()),
            digest,
        }
    }

    /// The repository with Docker Hub's implicit parts dropped: `docker.io/library/redis`,
    /// `index.docker.io/redis` and `redis` are all `redis`.
    pub fn repository(&self) -> &'a str {
        let mut name = self.name;
        for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
            if let Some(rest) = name.strip_prefix(prefix) {
                name = rest;
                break;
            }
        }
        name.strip_prefix("library/").unwrap_or(name)
    }

    /// The registry host, when the name has one (a first part with `.` or `:`, or
    /// `localhost`); Docker Hub otherwise.
    pub fn registry(&self) -> &'a str {
        match self.name.split_once('/') {
            Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
            _ => "docker.io",
        }
    }
}

/// The leading version numbers of a tag: `v1.27.3` and `1.27.3-alpine` give
/// `[1, 27, 3]`; `alpine` gives none.
pub(crate) fn tag_version(tag: &str) -> Vec<u32> {
    let tag = tag.strip_prefix('v').unwrap_or(tag);
    let end = tag
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(tag.len());
    let mut numbers = Vec::new();
    for part in tag[..end].split('.') {
        match part.parse::<u32>() {
            Ok(n) if !part.is_empty() => numbers.push(n),
            _ => break,
        }
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_tags_digests_and_registries() {
        let r = ImageRef::parse("registry.example:5000/team/app:v2@sha256:abc");
        assert_eq!(r.name, "registry.example:5000/team/app");
        assert_eq!((r.tag, r.digest), (Some("v2"), Some("sha256:abc")));
        assert_eq!(r.registry(), "registry.example:5000");
        let r = ImageRef::parse("registry.example:5000/team/app");
        assert_eq!((r.name, r.tag), ("registry.example:5000/team/app", None));
        let r = ImageRef::parse("docker.io/library/redis:7.2");
        assert_eq!((r.repository(), r.registry()), ("redis", "docker.io"));
        assert_eq!(ImageRef::parse("bitnami/redis").registry(), "docker.io");
        assert_eq!(ImageRef::parse("nginx:").tag, None);
        assert_eq!(tag_version("v1.27.3"), [1, 27, 3]);
        assert_eq!(tag_version("16.2-alpine3.19"), [16, 2]);
        assert_eq!(tag_version("3.9-slim"), [3, 9]);
        assert!(tag_version("alpine").is_empty());
        assert_eq!(tag_version("1..2"), [1]);
    }
}
