//! Where custom resources keep their pod templates: a table of well-known kinds, each
//! row citing the type definition it was read from, and a generic search for kinds the
//! table does not know.

use crate::pointer::escape;
use crate::yaml::{Node, Value};

/// The shape of the node a template pointer names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A `PodTemplateSpec`: `metadata` and a pod spec under `spec`.
    Template,
    /// A pod spec itself (its metadata, if any, under `metadata`).
    Spec,
}

/// One pod template of a custom resource.
#[derive(Clone, Copy, Debug)]
pub struct TemplatePath {
    /// Pointer from the object to the template; `*` stands for every list index or map
    /// key at that level.
    pub pointer: &'static str,
    pub shape: Shape,
    /// The operator completes the template (adds containers, images, defaults): it is an
    /// overlay, judged only for what it sets, not for what it leaves out.
    pub partial: bool,
}

/// A custom resource kind and where its pod templates are.
#[derive(Debug)]
pub struct CustomWorkload {
    /// API group (the version does not move these fields in the versions listed).
    pub group: &'static str,
    pub kind: &'static str,
    pub templates: &'static [TemplatePath],
    /// The type definition the pointers were read from.
    pub source: &'static str,
}

const fn complete(pointer: &'static str) -> TemplatePath {
    TemplatePath {
        pointer,
        shape: Shape::Template,
        partial: false,
    }
}

const fn overlay(pointer: &'static str) -> TemplatePath {
    TemplatePath {
        pointer,
        shape: Shape::Template,
        partial: true,
    }
}

const fn overlay_spec(pointer: &'static str) -> TemplatePath {
    TemplatePath {
        pointer,
        shape: Shape::Spec,
        partial: true,
    }
}

const RAY_CLUSTER: &str = "https://github.com/ray-project/kuberay/blob/master/ray-operator/apis/ray/v1/raycluster_types.go (HeadGroupSpec.Template, WorkerGroupSpec.Template: corev1.PodTemplateSpec)";
const KUBEFLOW_REPLICA_SPEC: &str = "https://github.com/kubeflow/training-operator/blob/master/pkg/apis/kubeflow.org/v1/common_types.go (ReplicaSpec.Template: corev1.PodTemplateSpec)";

/// Well-known custom resources with pod templates. Kinds that the generic search finds
/// at the same place (Argo Rollouts, OpenKruise CloneSet: `/spec/template`) need no row;
/// a row is needed for templates in lists and maps, under other names, or overlays.
pub static CUSTOM_WORKLOADS: &[CustomWorkload] = &[
    CustomWorkload {
        group: "ray.io",
        kind: "RayCluster",
        templates: &[
            complete("/spec/headGroupSpec/template"),
            complete("/spec/workerGroupSpecs/*/template"),
        ],
        source: RAY_CLUSTER,
    },
    CustomWorkload {
        group: "ray.io",
        kind: "RayJob",
        templates: &[
            complete("/spec/rayClusterSpec/headGroupSpec/template"),
            complete("/spec/rayClusterSpec/workerGroupSpecs/*/template"),
        ],
        source: "https://github.com/ray-project/kuberay/blob/master/ray-operator/apis/ray/v1/rayjob_types.go (RayJobSpec.RayClusterSpec `json:\"rayClusterSpec\"`)",
    },
    CustomWorkload {
        group: "ray.io",
        kind: "RayService",
        templates: &[
            complete("/spec/rayClusterConfig/headGroupSpec/template"),
            complete("/spec/rayClusterConfig/workerGroupSpecs/*/template"),
        ],
        source: "https://github.com/ray-project/kuberay/blob/master/ray-operator/apis/ray/v1/rayservice_types.go (RayServiceSpec.RayClusterSpec `json:\"rayClusterConfig\"`)",
    },
    CustomWorkload {
        group: "jobset.x-k8s.io",
        kind: "JobSet",
        templates: &[complete("/spec/replicatedJobs/*/template/spec/template")],
        source: "https://github.com/kubernetes-sigs/jobset/blob/main/api/jobset/v1alpha2/jobset_types.go (ReplicatedJob.Template: batchv1.JobTemplateSpec)",
    },
    CustomWorkload {
        group: "leaderworkerset.x-k8s.io",
        kind: "LeaderWorkerSet",
        templates: &[
            complete("/spec/leaderWorkerTemplate/leaderTemplate"),
            complete("/spec/leaderWorkerTemplate/workerTemplate"),
        ],
        source: "https://github.com/kubernetes-sigs/lws/blob/main/api/leaderworkerset/v1/leaderworkerset_types.go (LeaderWorkerTemplate.LeaderTemplate, .WorkerTemplate: corev1.PodTemplateSpec)",
    },
    CustomWorkload {
        group: "kubeflow.org",
        kind: "MPIJob",
        templates: &[complete("/spec/mpiReplicaSpecs/*/template")],
        source: "https://github.com/kubeflow/mpi-operator/blob/master/pkg/apis/kubeflow/v2beta1/types.go (MPIJobSpec.MPIReplicaSpecs map[MPIReplicaType]*common.ReplicaSpec)",
    },
    CustomWorkload {
        group: "kubeflow.org",
        kind: "PyTorchJob",
        templates: &[complete("/spec/pytorchReplicaSpecs/*/template")],
        source: KUBEFLOW_REPLICA_SPEC,
    },
    CustomWorkload {
        group: "kubeflow.org",
        kind: "TFJob",
        templates: &[complete("/spec/tfReplicaSpecs/*/template")],
        source: KUBEFLOW_REPLICA_SPEC,
    },
    CustomWorkload {
        group: "kubeflow.org",
        kind: "XGBoostJob",
        templates: &[complete("/spec/xgbReplicaSpecs/*/template")],
        source: KUBEFLOW_REPLICA_SPEC,
    },
    CustomWorkload {
        group: "kubeflow.org",
        kind: "PaddleJob",
        templates: &[complete("/spec/paddleReplicaSpecs/*/template")],
        source: KUBEFLOW_REPLICA_SPEC,
    },
    CustomWorkload {
        group: "keda.sh",
        kind: "ScaledJob",
        templates: &[complete("/spec/jobTargetRef/template")],
        source: "https://github.com/kedacore/keda/blob/main/apis/keda/v1alpha1/scaledjob_types.go (ScaledJobSpec.JobTargetRef: *batchv1.JobSpec)",
    },
    CustomWorkload {
        group: "agents.x-k8s.io",
        kind: "Sandbox",
        templates: &[complete("/spec/podTemplate")],
        source: "https://github.com/kubernetes-sigs/agent-sandbox/blob/main/api/v1alpha1/sandbox_types.go (SandboxSpec.PodTemplate)",
    },
    CustomWorkload {
        group: "extensions.agents.x-k8s.io",
        kind: "SandboxTemplate",
        templates: &[complete("/spec/podTemplate")],
        source: "https://github.com/kubernetes-sigs/agent-sandbox/blob/main/extensions/api/v1alpha1/sandboxtemplate_types.go (SandboxTemplateSpec.PodTemplate)",
    },
    // Operator-completed overlays: the operator builds the pod and merges these in.
    CustomWorkload {
        group: "postgresql.cnpg.io",
        kind: "Pooler",
        templates: &[overlay("/spec/template")],
        source: "https://github.com/cloudnative-pg/cloudnative-pg/blob/main/api/v1/pooler_types.go (PoolerSpec.Template: the operator adds the pgbouncer container and its image)",
    },
    CustomWorkload {
        group: "elasticsearch.k8s.elastic.co",
        kind: "Elasticsearch",
        templates: &[overlay("/spec/nodeSets/*/podTemplate")],
        source: "https://github.com/elastic/cloud-on-k8s/blob/main/pkg/apis/elasticsearch/v1/elasticsearch_types.go (NodeSet.PodTemplate: \"customisation options\", merged into the operator's pod)",
    },
    CustomWorkload {
        group: "kibana.k8s.elastic.co",
        kind: "Kibana",
        templates: &[overlay("/spec/podTemplate")],
        source: "https://github.com/elastic/cloud-on-k8s/blob/main/pkg/apis/kibana/v1/kibana_types.go (KibanaSpec.PodTemplate: \"customisation options\")",
    },
    CustomWorkload {
        group: "apm.k8s.elastic.co",
        kind: "ApmServer",
        templates: &[overlay("/spec/podTemplate")],
        source: "https://github.com/elastic/cloud-on-k8s/blob/main/pkg/apis/apm/v1/apmserver_types.go (ApmServerSpec.PodTemplate: \"customisation options\")",
    },
    CustomWorkload {
        group: "enterprisesearch.k8s.elastic.co",
        kind: "EnterpriseSearch",
        templates: &[overlay("/spec/podTemplate")],
        source: "https://github.com/elastic/cloud-on-k8s/blob/main/pkg/apis/enterprisesearch/v1/enterprisesearch_types.go (EnterpriseSearchSpec.PodTemplate: \"customisation options\")",
    },
    CustomWorkload {
        group: "agent.k8s.elastic.co",
        kind: "Agent",
        templates: &[
            overlay("/spec/daemonSet/podTemplate"),
            overlay("/spec/deployment/podTemplate"),
            overlay("/spec/statefulSet/podTemplate"),
        ],
        source: "https://github.com/elastic/cloud-on-k8s/blob/main/pkg/apis/agent/v1alpha1/agent_types.go (DaemonSetSpec/DeploymentSpec/StatefulSetSpec.PodTemplate: \"customisation options\")",
    },
    CustomWorkload {
        group: "flink.apache.org",
        kind: "FlinkDeployment",
        templates: &[
            overlay("/spec/podTemplate"),
            overlay("/spec/jobManager/podTemplate"),
            overlay("/spec/taskManager/podTemplate"),
        ],
        source: "https://github.com/apache/flink-kubernetes-operator/blob/main/flink-kubernetes-operator-api/src/main/java/org/apache/flink/kubernetes/operator/api/spec/FlinkDeploymentSpec.java (podTemplate: a Pod, \"base pod template\" merged into the operator's; JobManagerSpec/TaskManagerSpec.podTemplate)",
    },
    CustomWorkload {
        group: "sparkoperator.k8s.io",
        kind: "SparkApplication",
        templates: &[
            overlay("/spec/driver/template"),
            overlay("/spec/executor/template"),
        ],
        source: "https://github.com/kubeflow/spark-operator/blob/master/api/v1beta2/sparkapplication_types.go (SparkPodSpec.Template: corev1.PodTemplateSpec for \"configurations that Spark configurations do not support\"; the driver's and executor's other fields are not pod-spec shaped and are not read)",
    },
    CustomWorkload {
        group: "tekton.dev",
        kind: "TaskRun",
        templates: &[overlay_spec("/spec/podTemplate")],
        source: "https://github.com/tektoncd/pipeline/blob/main/docs/podtemplates.md (pod.Template: pod-level fields only, the steps are the containers)",
    },
    CustomWorkload {
        group: "tekton.dev",
        kind: "PipelineRun",
        templates: &[
            overlay_spec("/spec/podTemplate"),
            overlay_spec("/spec/taskRunTemplate/podTemplate"),
        ],
        source: "https://github.com/tektoncd/pipeline/blob/main/docs/podtemplates.md (v1beta1 spec.podTemplate, v1 spec.taskRunTemplate.podTemplate)",
    },
];

/// The row for `group`/`kind`, if the table has one.
pub fn custom_workload(group: &str, kind: &str) -> Option<&'static CustomWorkload> {
    CUSTOM_WORKLOADS
        .iter()
        .find(|row| row.group == group && row.kind == kind)
}

/// A template found in an object: the concrete pointer (no `*`) and how to read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundTemplate {
    pub pointer: String,
    pub shape: Shape,
    pub partial: bool,
}

/// Every node matching `pattern` (a pointer where `*` matches any index or key).
pub fn expand<'a>(root: &'a Node, pattern: &str) -> Vec<(String, &'a Node)> {
    let mut found = vec![(String::new(), root)];
    for segment in pattern.split('/').skip(1) {
        let mut next = Vec::new();
        for (pointer, node) in found {
            match (&node.value, segment) {
                (Value::Seq(items), "*") => next.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| (format!("{pointer}/{i}"), item)),
                ),
                (Value::Map(entries), "*") => next.extend(entries.iter().filter_map(|e| {
                    Some((format!("{pointer}/{}", escape(e.key_str()?)), &e.value))
                })),
                _ => {
                    let key = crate::pointer::unescape(segment);
                    let child = match &node.value {
                        Value::Map(_) => node.get(&key),
                        Value::Seq(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                        Value::Scalar(_) => None,
                    };
                    if let Some(child) = child {
                        next.push((format!("{pointer}/{segment}"), child));
                    }
                }
            }
        }
        found = next;
    }
    found
}

/// The templates of a table row present in `root`.
pub fn templates_of(row: &CustomWorkload, root: &Node) -> Vec<FoundTemplate> {
    row.templates
        .iter()
        .flat_map(|t| {
            expand(root, t.pointer)
                .into_iter()
                .filter(|(_, node)| node.as_map().is_some())
                .map(|(pointer, _)| FoundTemplate {
                    pointer,
                    shape: t.shape,
                    partial: t.partial,
                })
        })
        .collect()
}

/// How deep below `spec` the generic search looks: well past any template the table
/// knows (a JobSet's is 6 levels down), and a bound on work for deep documents.
const GENERIC_DEPTH: usize = 12;

/// Pod specs of a kind the table does not know: mappings below `/spec` with a
/// `containers` list of mappings, at any depth (templates in lists and maps too). A
/// template is not searched for further templates. One whose containers lack an
/// `image` is an overlay: an object the API server would take needs every image, so
/// something else fills them in.
pub fn generic_templates(root: &Node) -> Vec<FoundTemplate> {
    let mut found = Vec::new();
    if let Some(spec) = root.get("spec") {
        search(spec, "/spec".to_owned(), 0, &mut found);
    }
    found
}

fn search(node: &Node, pointer: String, depth: usize, found: &mut Vec<FoundTemplate>) {
    if depth > GENERIC_DEPTH {
        return;
    }
    match &node.value {
        Value::Map(entries) => {
            let containers = node.get("containers").and_then(Node::as_seq);
            if let Some(containers) =
                containers.filter(|c| !c.is_empty() && c.iter().all(|item| item.as_map().is_some()))
            {
                let partial = containers.iter().any(|c| {
                    c.get("image")
                        .and_then(Node::as_str)
                        .is_none_or(|image| image.trim().is_empty())
                });
                found.push(FoundTemplate {
                    pointer,
                    shape: Shape::Spec,
                    partial,
                });
                return;
            }
            for entry in entries {
                if let Some(key) = entry.key_str() {
                    search(
                        &entry.value,
                        format!("{pointer}/{}", escape(key)),
                        depth + 1,
                        found,
                    );
                }
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                search(item, format!("{pointer}/{i}"), depth + 1, found);
            }
        }
        Value::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_holds_its_invariants() {
        let mut seen = HashSet::new();
        for row in CUSTOM_WORKLOADS {
            assert!(seen.insert((row.group, row.kind)), "{} twice", row.kind);
            assert!(
                row.group.contains('.'),
                "{}: a custom resource group",
                row.kind
            );
            assert!(row.source.starts_with("https://"), "{}: cite", row.kind);
            assert!(!row.templates.is_empty(), "{}", row.kind);
            for t in row.templates {
                assert!(t.pointer.starts_with("/spec/"), "{}", t.pointer);
                assert!(
                    t.shape == Shape::Template || t.partial,
                    "{}: a bare pod spec has no containers of its own here",
                    t.pointer
                );
                assert!(!t.pointer.ends_with('/') && !t.pointer.contains("//"));
            }
        }
    }

    fn parse(text: &str) -> Node {
        crate::yaml::parse_documents(text)
            .remove(0)
            .result
            .expect("parses")
    }

    #[test]
    fn stars_match_list_indices_and_map_keys() {
        let root = parse(
            "spec:\n  a:\n  - {t: 1}\n  - {t: 2}\n  m:\n    Launcher: {t: 3}\n    w/x: {t: 4}\n",
        );
        let list: Vec<String> = expand(&root, "/spec/a/*/t")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(list, ["/spec/a/0/t", "/spec/a/1/t"]);
        let map: Vec<String> = expand(&root, "/spec/m/*/t")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(map, ["/spec/m/Launcher/t", "/spec/m/w~1x/t"]);
        assert!(expand(&root, "/spec/none/*").is_empty());
    }

    #[test]
    fn the_generic_search_finds_templates_at_any_depth_and_marks_overlays() {
        let root = parse(
            "spec:\n  groups:\n  - template:\n      spec:\n        containers: [{name: a, image: x:1}]\n  - template:\n      spec:\n        containers: [{name: b}]\n  other: {containers: [just, text]}\n",
        );
        assert_eq!(
            generic_templates(&root),
            [
                FoundTemplate {
                    pointer: "/spec/groups/0/template/spec".into(),
                    shape: Shape::Spec,
                    partial: false
                },
                FoundTemplate {
                    pointer: "/spec/groups/1/template/spec".into(),
                    shape: Shape::Spec,
                    partial: true
                },
            ]
        );
    }

    fn privileged_lines(yaml: &str) -> Vec<(u32, String)> {
        let options = crate::Options {
            only: vec!["privileged-container".into()],
            ..crate::Options::default()
        };
        let report = crate::check(vec![crate::Source::new("crd.yaml", yaml)], &options);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        report
            .findings
            .iter()
            .map(|f| (f.location.line, f.location.path.clone()))
            .collect()
    }

    #[test]
    fn every_template_of_a_ray_cluster_is_checked_at_its_line() {
        let yaml = "apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: ray}
spec:
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
        - name: ray-head
          image: rayproject/ray:2.9.0
          securityContext:
            privileged: true
  workerGroupSpecs:
  - groupName: cpu
    template:
      spec:
        containers:
        - name: ray-worker
          image: rayproject/ray:2.9.0
  - groupName: gpu
    template:
      spec:
        containers:
        - name: ray-worker
          image: rayproject/ray:2.9.0
          securityContext: {privileged: true}
";
        assert_eq!(
            privileged_lines(yaml),
            [
                (
                    13,
                    "/spec/headGroupSpec/template/spec/containers/0/securityContext/privileged"
                        .to_owned()
                ),
                (
                    27,
                    "/spec/workerGroupSpecs/1/template/spec/containers/0/securityContext/privileged"
                        .to_owned()
                ),
            ]
        );
    }

    #[test]
    fn every_replicated_job_of_a_job_set_is_checked_at_its_line() {
        let yaml = "apiVersion: jobset.x-k8s.io/v1alpha2
kind: JobSet
metadata: {name: train}
spec:
  replicatedJobs:
  - name: driver
    template:
      spec:
        template:
          spec:
            containers:
            - {name: driver, image: trainer:1.0}
  - name: workers
    replicas: 4
    template:
      spec:
        template:
          spec:
            hostNetwork: true
            containers:
            - name: worker
              image: trainer:1.0
              securityContext:
                privileged: true
";
        assert_eq!(
            privileged_lines(yaml),
            [(
                24,
                "/spec/replicatedJobs/1/template/spec/template/spec/containers/0/securityContext/privileged"
                    .to_owned()
            )]
        );
    }

    #[test]
    fn kubeflow_replica_specs_are_a_map() {
        let yaml = "apiVersion: kubeflow.org/v2beta1
kind: MPIJob
metadata: {name: mpi}
spec:
  mpiReplicaSpecs:
    Launcher:
      template:
        spec:
          containers: [{name: l, image: mpi:1, securityContext: {privileged: true}}]
    Worker:
      template:
        spec:
          containers: [{name: w, image: mpi:1, securityContext: {privileged: true}}]
";
        let lines: Vec<u32> = privileged_lines(yaml).into_iter().map(|f| f.0).collect();
        assert_eq!(lines, [9, 13]);
    }

    #[test]
    fn an_overlay_without_containers_is_judged_on_its_pod_fields() {
        let yaml = "apiVersion: tekton.dev/v1
kind: TaskRun
metadata: {name: build}
spec:
  taskRef: {name: kaniko}
  podTemplate:
    hostNetwork: true
    securityContext: {runAsNonRoot: false}
";
        let report = crate::check(
            vec![crate::Source::new("run.yaml", yaml)],
            &crate::Options::default(),
        );
        let found: Vec<(&str, u32)> = report
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.location.line))
            .collect();
        assert!(found.contains(&("host-namespaces", 7)), "{found:?}");
        assert!(found.contains(&("run-as-root", 8)), "{found:?}");
        // Omissions (no seccomp profile, token automounted) are the operator's to fill.
        assert!(
            found.iter().all(|(rule, _)| *rule != "seccomp-not-enforced"
                && *rule != "automount-service-account-token"),
            "{found:?}"
        );
    }
}
