use super::dangerous_capabilities::is_baseline_capability;
use crate::declare_rule;
use crate::model::Object;
use crate::rules::pod_security::pss_overlap::capability_name;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags what an OpenShift `SecurityContextConstraints` (`security.openshift.io/v1`,
    /// or the older core `v1`) lets pods do beyond the Pod Security baseline, one
    /// finding per setting, at the setting: `allowPrivilegedContainer`,
    /// `allowHostNetwork`, `allowHostPID`, `allowHostIPC`, `allowHostPorts` and
    /// `allowHostDirVolumePlugin` set to `true`; `allowedCapabilities` with `*` or a
    /// capability outside the baseline set; `defaultAddCapabilities` outside it (added
    /// to every container); and, as defence in depth (medium), `volumes: ["*"]`,
    /// `runAsUser.type: RunAsAny`, `seLinuxContext.type: RunAsAny`,
    /// `allowPrivilegeEscalation` not `false` and `allowedUnsafeSysctls`; at low,
    /// `readOnlyRootFilesystem: false`.
    ///
    /// The message names who the object itself grants the constraints to (`users`,
    /// `groups`); a grant to `system:authenticated` or `system:serviceaccounts`
    /// reaches every user or every service account.
    ///
    /// ## Why is this bad?
    /// On OpenShift the constraints are the admission policy of pods: any pod whose
    /// user or service account may use a permissive one can run privileged, share the
    /// node's namespaces or mount its file system, which is a step away from the node.
    /// Unlike PodSecurityPolicy they are still enforced, so what they allow is what
    /// runs.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: security.openshift.io/v1
    /// kind: SecurityContextConstraints
    /// metadata:
    ///   name: app
    /// allowPrivilegedContainer: true
    /// allowPrivilegeEscalation: false
    /// runAsUser:
    ///   type: MustRunAsRange
    /// seLinuxContext:
    ///   type: MustRunAs
    /// readOnlyRootFilesystem: true
    /// volumes: [configMap, secret, emptyDir]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: security.openshift.io/v1
    /// kind: SecurityContextConstraints
    /// metadata:
    ///   name: app
    /// allowPrivilegedContainer: false
    /// allowPrivilegeEscalation: false
    /// runAsUser:
    ///   type: MustRunAsRange
    /// seLinuxContext:
    ///   type: MustRunAs
    /// readOnlyRootFilesystem: true
    /// volumes: [configMap, secret, emptyDir]
    /// ```
    ///
    /// ## Known problems
    /// Only what the object says is judged: grants through RBAC (`use` on
    /// `securitycontextconstraints`) are not followed, and OpenShift's own defaults
    /// (`privileged`, `hostnetwork`, `anyuid` …) are reported like any other when they
    /// are in the input. A `hostPath` entry in `volumes` is not reported on its own:
    /// without `allowHostDirVolumePlugin` it does not allow host paths.
    ///
    /// ## References
    /// - OpenShift docs: Managing security context constraints
    /// - openshift/api `security/v1/types.go`: SecurityContextConstraints
    pub static PERMISSIVE_SECURITY_CONTEXT_CONSTRAINTS = Rule {
        id: "permissive-security-context-constraints",
        title: "Permissive OpenShift SecurityContextConstraints",
        category: Category::PodSecurity,
        severity: Severity::High,
        applies_to: "SecurityContextConstraints",
        remediation: "Turn off the setting, or keep it only in a constraints object granted to the few service accounts that need it.",
        references: &[
            "https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html",
            "https://github.com/openshift/api/blob/master/security/v1/types.go",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

/// Groups whose grant reaches everyone of a kind.
const BROAD_GROUPS: &[(&str, &str)] = &[
    ("system:authenticated", "every authenticated user"),
    ("system:unauthenticated", "unauthenticated users"),
    ("system:serviceaccounts", "every service account"),
];

/// The host-level switches (openshift/api `security/v1/types.go`, all `bool`).
const HOST_FLAGS: &[(&str, &str)] = &[
    ("allowPrivilegedContainer", "run privileged containers"),
    ("allowHostNetwork", "share the node's network namespace"),
    ("allowHostPID", "share the node's PID namespace"),
    ("allowHostIPC", "share the node's IPC namespace"),
    ("allowHostPorts", "bind ports on the node"),
    (
        "allowHostDirVolumePlugin",
        "mount `hostPath` volumes (the node's file system)",
    ),
];

/// A permissive setting: where, what it allows, and its severity if not the rule's.
#[derive(Debug, PartialEq)]
struct Permission {
    pointer: String,
    setting: String,
    allows: String,
    severity: Option<Severity>,
}

fn strings(node: Option<&Node>) -> impl Iterator<Item = (usize, &str)> {
    node.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, n)| Some((i, n.as_str()?)))
}

fn permissions(scc: &Node) -> Vec<Permission> {
    let mut found = Vec::new();
    let mut add = |pointer: String, setting: String, allows: &str, severity| {
        found.push(Permission {
            pointer,
            setting,
            allows: allows.to_owned(),
            severity,
        })
    };
    for (field, allows) in HOST_FLAGS {
        if scc.get(field).and_then(Node::as_bool) == Some(true) {
            add(
                format!("/{field}"),
                format!("sets `{field}: true`"),
                allows,
                None,
            );
        }
    }
    for (i, cap) in strings(scc.get("allowedCapabilities")) {
        let name = capability_name(cap);
        if name == "*" {
            add(
                format!("/allowedCapabilities/{i}"),
                "sets `allowedCapabilities: [\"*\"]`".into(),
                "add every capability",
                None,
            );
        } else if !is_baseline_capability(&name) {
            add(
                format!("/allowedCapabilities/{i}"),
                format!("lists `{name}` in `allowedCapabilities`"),
                "add a capability outside the baseline set",
                None,
            );
        }
    }
    for (i, cap) in strings(scc.get("defaultAddCapabilities")) {
        let name = capability_name(cap);
        if !is_baseline_capability(&name) {
            add(
                format!("/defaultAddCapabilities/{i}"),
                format!("lists `{name}` in `defaultAddCapabilities`"),
                &format!("have `{name}` without asking for it, unless they drop it"),
                None,
            );
        }
    }
    let medium = Some(Severity::Medium);
    for (i, volume) in strings(scc.get("volumes")) {
        if volume == "*" {
            add(
                format!("/volumes/{i}"),
                "sets `volumes: [\"*\"]`".into(),
                "use every volume type",
                medium,
            );
        }
    }
    let strategy = |field: &str| {
        scc.get(field)
            .and_then(|s| s.get("type"))
            .and_then(Node::as_str)
    };
    if strategy("runAsUser") == Some("RunAsAny") {
        add(
            "/runAsUser/type".into(),
            "sets `runAsUser.type: RunAsAny`".into(),
            "run as any user, root included",
            medium,
        );
    }
    if strategy("seLinuxContext") == Some("RunAsAny") {
        add(
            "/seLinuxContext/type".into(),
            "sets `seLinuxContext.type: RunAsAny`".into(),
            "run with any SELinux label",
            medium,
        );
    }
    // Unset means allowed (the field's doc in types.go: "If unspecified, defaults to true").
    match scc.get("allowPrivilegeEscalation").and_then(Node::as_bool) {
        Some(false) => {}
        Some(true) => add(
            "/allowPrivilegeEscalation".into(),
            "sets `allowPrivilegeEscalation: true`".into(),
            "gain privileges through setuid binaries and file capabilities",
            medium,
        ),
        None => add(
            "/allowPrivilegeEscalation".into(),
            "does not set `allowPrivilegeEscalation: false`".into(),
            "gain privileges through setuid binaries and file capabilities",
            medium,
        ),
    }
    if strings(scc.get("allowedUnsafeSysctls")).next().is_some() {
        add(
            "/allowedUnsafeSysctls".into(),
            "sets `allowedUnsafeSysctls`".into(),
            "set unsafe sysctls",
            medium,
        );
    }
    if scc.get("readOnlyRootFilesystem").and_then(Node::as_bool) == Some(false) {
        add(
            "/readOnlyRootFilesystem".into(),
            "sets `readOnlyRootFilesystem: false`".into(),
            "write to their root file system",
            Some(Severity::Low),
        );
    }
    found
}

/// Who the object grants the constraints to, for messages.
fn grantees(scc: &Node) -> String {
    let groups: Vec<&str> = strings(scc.get("groups")).map(|(_, g)| g).collect();
    let broad: Vec<&str> = BROAD_GROUPS
        .iter()
        .filter(|(group, _)| groups.contains(group))
        .map(|(_, who)| *who)
        .collect();
    if !broad.is_empty() {
        return format!(" (granted to {})", broad.join(" and "));
    }
    let users = strings(scc.get("users")).count();
    match (users, groups.len()) {
        (0, 0) => String::new(),
        (users, groups) => {
            let plural = |n: usize, noun: &str| {
                if n == 1 {
                    format!("1 {noun}")
                } else {
                    format!("{n} {noun}s")
                }
            };
            let mut parts = Vec::new();
            if users > 0 {
                parts.push(plural(users, "user"));
            }
            if groups > 0 {
                parts.push(plural(groups, "group"));
            }
            format!(" (granted to {})", parts.join(" and "))
        }
    }
}

fn is_scc(object: &Object<'_>) -> bool {
    object.kind == "SecurityContextConstraints"
        && (object.group() == "security.openshift.io" || object.api_version == "v1")
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    if !is_scc(object) {
        return;
    }
    let name = object.name().unwrap_or("(unnamed)");
    let grantees = grantees(object.node);
    for permission in permissions(object.node) {
        out.report(
            object,
            permission.pointer,
            format!(
                "SecurityContextConstraints `{}` {}: pods admitted under it may {}{grantees}",
                name, permission.setting, permission.allows
            ),
        )
        .severity = permission.severity;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(yaml: &str) -> Node {
        crate::yaml::parse_documents(yaml)
            .remove(0)
            .result
            .expect("parses")
    }

    #[test]
    fn restricted_v2_allows_only_a_writable_root_file_system() {
        // OpenShift's default `restricted-v2`, as `oc get scc restricted-v2 -o yaml` shows it.
        let scc = node(
            "allowHostDirVolumePlugin: false\nallowHostIPC: false\nallowHostNetwork: false\nallowHostPID: false\nallowHostPorts: false\nallowPrivilegeEscalation: false\nallowPrivilegedContainer: false\nallowedCapabilities: [NET_BIND_SERVICE]\nfsGroup: {type: MustRunAs}\nreadOnlyRootFilesystem: false\nrequiredDropCapabilities: [ALL]\nrunAsUser: {type: MustRunAsRange}\nseLinuxContext: {type: MustRunAs}\nsupplementalGroups: {type: RunAsAny}\nvolumes: [configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret]\n",
        );
        let found: Vec<String> = permissions(&scc).into_iter().map(|p| p.pointer).collect();
        assert_eq!(found, ["/readOnlyRootFilesystem"]);
    }

    #[test]
    fn grants_to_everyone_are_named() {
        assert_eq!(
            grantees(&node("groups: [system:authenticated]\n")),
            " (granted to every authenticated user)"
        );
        assert_eq!(
            grantees(&node("users: [a, b]\ngroups: [g]\n")),
            " (granted to 2 users and 1 group)"
        );
        assert_eq!(grantees(&node("users: []\n")), "");
    }
}
