//! Which built-in rules attach a fix, and whether `kubecheck fix` applies it without
//! `--unsafe`: the rules reference (`docs/rules.md`), `kubecheck rules` and `explain`
//! show it. A test runs every rule's fixture and holds this table to the fixes the rule
//! actually attaches.

use serde::Serialize;

use super::Applicability;

/// A rule's fixes: their applicability (both, when it depends on the field) and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RuleFix {
    /// The applicabilities of the rule's fixes, safe first.
    pub applicability: &'static [Applicability],
    /// Why the fix is (un)safe, one sentence.
    pub note: &'static str,
}

const SAFE: &[Applicability] = &[Applicability::Safe];
const UNSAFE: &[Applicability] = &[Applicability::Unsafe];
const BOTH: &[Applicability] = &[Applicability::Safe, Applicability::Unsafe];

const TABLE: &[(&str, RuleFix)] = &[
    ("privilege-escalation", RuleFix {
        applicability: SAFE,
        note: "sets `allowPrivilegeEscalation: false`; only setuid binaries and file capabilities stop granting privileges",
    }),
    ("automount-service-account-token", RuleFix {
        applicability: SAFE,
        note: "sets `automountServiceAccountToken: false` only where no binding in the input grants the account anything",
    }),
    ("no-seccomp-profile", RuleFix {
        applicability: SAFE,
        note: "sets the runtime's default seccomp profile (`RuntimeDefault`) where none is set",
    }),
    ("seccomp-not-enforced", RuleFix {
        applicability: SAFE,
        note: "sets the runtime's default seccomp profile (`RuntimeDefault`) where none is enforced",
    }),
    ("host-namespaces", RuleFix {
        applicability: BOTH,
        note: "`hostPID: false` and `hostIPC: false` are safe; `hostNetwork: false` is unsafe: the pod gets its own network namespace, ports and addresses",
    }),
    ("unconfined-seccomp", RuleFix {
        applicability: UNSAFE,
        note: "replaces a profile the manifest chose explicitly (`Unconfined`) with the runtime's default, which blocks some system calls",
    }),
    ("apparmor-unconfined", RuleFix {
        applicability: UNSAFE,
        note: "replaces a profile the manifest chose explicitly (`unconfined`) with the runtime's default, which denies some access",
    }),
    ("unmasked-proc-mount", RuleFix {
        applicability: UNSAFE,
        note: "sets `procMount: Default`; nested container runtimes that need an unmasked `/proc` stop working",
    }),
    ("unrestricted-capabilities", RuleFix {
        applicability: UNSAFE,
        note: "adds `ALL` to `capabilities.drop`; a process that needs a default capability (binding a low port, `chown`) fails",
    }),
    ("net-raw-capability", RuleFix {
        applicability: UNSAFE,
        note: "adds `NET_RAW` to `capabilities.drop`; `ping` and other raw-socket tools fail",
    }),
    ("writable-root-filesystem", RuleFix {
        applicability: UNSAFE,
        note: "sets `readOnlyRootFilesystem: true`; a program writing outside its volumes fails",
    }),
    ("privileged-container", RuleFix {
        applicability: UNSAFE,
        note: "sets `privileged: false`; a container that needs devices or host access stops working",
    }),
    ("windows-host-process", RuleFix {
        applicability: UNSAFE,
        note: "sets `hostProcess: false`; a HostProcess container's work on the node stops",
    }),
    ("run-as-root", RuleFix {
        applicability: UNSAFE,
        note: "sets `runAsNonRoot: true`; the kubelet refuses to start an image whose user is root",
    }),
    ("share-process-namespace", RuleFix {
        applicability: UNSAFE,
        note: "sets `shareProcessNamespace: false`; a sidecar that signals or inspects another container's processes stops working",
    }),
    ("namespace-without-pod-security", RuleFix {
        applicability: UNSAFE,
        note: "enforces the strictest Pod Security level the input's workloads pass; pods not in the input may be refused",
    }),
    ("latest-tag-pull-policy", RuleFix {
        applicability: UNSAFE,
        note: "sets `imagePullPolicy: Always`; every start asks the registry, so an outage stops new pods",
    }),
    ("load-balancer-without-source-ranges", RuleFix {
        applicability: UNSAFE,
        note: "admits only `192.0.2.0/24`, a documentation range, until you put your clients' ranges there",
    }),
];

/// The fixes built-in rule `id` attaches, if any.
pub fn rule_fix(id: &str) -> Option<RuleFix> {
    TABLE
        .iter()
        .find(|(rule, _)| *rule == id)
        .map(|(_, fix)| *fix)
}

impl RuleFix {
    /// `safe`, `unsafe` or `safe or unsafe`.
    pub fn label(&self) -> String {
        self.applicability
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_names_a_rule_once() {
        for (i, (id, fix)) in TABLE.iter().enumerate() {
            assert!(crate::rules::find(id).is_some(), "`{id}` is not a rule");
            assert!(
                !TABLE[..i].iter().any(|(other, _)| other == id),
                "`{id}` twice"
            );
            assert!(!fix.applicability.is_empty() && !fix.note.ends_with('.'));
        }
    }
}
