//! Control plane: how kube-apiserver, the kubelet, kube-controller-manager,
//! kube-scheduler and etcd authenticate, authorize, audit and expose themselves, read from
//! static pod manifests, kubeadm configurations and component configuration files.

pub mod audit_logging_disabled;
pub mod profiling_enabled;
pub(crate) mod settings;
pub mod unauthenticated_port;
pub mod weak_admission_plugins;
pub mod weak_authentication;
pub mod weak_authorization_mode;

use crate::model::Object;
use crate::rules::Emitter;
use crate::severity::Severity;
use settings::{Setting, Settings};

/// Reports `problem` of `settings` at `setting`, citing it, with `severity` when given.
pub(crate) fn report(
    out: &mut Emitter,
    object: &Object<'_>,
    settings: &Settings,
    setting: &Setting,
    problem: &str,
    severity: Option<Severity>,
) {
    let finding = out.report(
        object,
        setting.pointer.clone(),
        format!("{} {problem} {}", settings.subject, setting.cite()),
    );
    finding.severity = severity;
}
