//! Patching: image pinning, removed APIs and versions.

pub mod latest_image_tag;

#[cfg(test)]
mod tests {
    use crate::rules::test_support::located;

    #[test]
    fn latest_image_tag_fires_on_untagged_latest_and_missing_images() {
        let yaml = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: fire-and-dont-fire
spec:
  selector: {matchLabels: {app: web}}
  template:
    spec:
      initContainers:
      - name: fire-no-image
      containers:
      - name: fire-untagged
        image: nginx
      - name: fire-latest
        image: registry.example:5000/team/app:latest
      - name: fire-port-is-not-a-tag
        image: registry.example:5000/team/app
      - name: dont-fire-tag
        image: nginx:1.27.3
      - name: dont-fire-digest
        image: nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
      - name: dont-fire-template
        image: ${IMAGE_URI}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: dont-fire-patch-fragment
spec:
  template:
    spec:
      containers:
      - name: app
        resources: {limits: {cpu: 1}}
---
apiVersion: example.com/v1
kind: Pooler
metadata:
  name: dont-fire-operator-fills-image
spec:
  template:
    spec:
      containers:
      - name: pgbouncer
";
        assert_eq!(
            located("latest-image-tag", yaml),
            [
                (10, "/spec/template/spec/initContainers/0".to_owned()),
                (13, "/spec/template/spec/containers/0/image".to_owned()),
                (15, "/spec/template/spec/containers/1/image".to_owned()),
                (17, "/spec/template/spec/containers/2/image".to_owned()),
            ]
        );
    }
}
