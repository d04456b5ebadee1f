use crate::declare_rule;
use crate::model::Object;
use crate::rules::{Check, Ctx, Emitter};
use crate::severity::{Category, Severity};
use crate::yaml::Node;

declare_rule! {
    /// ## What it does
    /// Flags Istio policies that let workload traffic travel in plain text:
    /// - `PeerAuthentication` (`security.istio.io`) with `spec.mtls.mode` or a
    ///   `spec.portLevelMtls` port's `mode` set to `DISABLE` (medium) or `PERMISSIVE`
    ///   (low: plaintext is still accepted);
    /// - `DestinationRule` (`networking.istio.io`) with `tls.mode: DISABLE` in
    ///   `spec.trafficPolicy`, its `portLevelSettings`, or a subset's `trafficPolicy`
    ///   (medium), or `tls.insecureSkipVerify: true` there (medium).
    ///
    /// ## Why is this bad?
    /// With mutual TLS off or optional, traffic between pods can be read and changed
    /// by anyone on the node or network path, and a workload cannot prove who called
    /// it, so authorization policies based on peer identity stop protecting anything.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: security.istio.io/v1
    /// kind: PeerAuthentication
    /// metadata:
    ///   name: default
    ///   namespace: shop
    /// spec:
    ///   mtls:
    ///     mode: DISABLE
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// apiVersion: security.istio.io/v1
    /// kind: PeerAuthentication
    /// metadata:
    ///   name: default
    ///   namespace: shop
    /// spec:
    ///   mtls:
    ///     mode: STRICT
    /// ```
    ///
    /// ## Known problems
    /// `PERMISSIVE` is the usual step while migrating workloads into the mesh; suppress
    /// the finding with a reason and a date.
    ///
    /// ## References
    /// - https://istio.io/latest/docs/reference/config/security/peer_authentication/
    /// - https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings
    pub static MESH_PLAINTEXT_ALLOWED = Rule {
        id: "mesh-plaintext-allowed",
        title: "Service-mesh policy allows plain-text traffic",
        category: Category::Encryption,
        severity: Severity::Medium,
        applies_to: "PeerAuthentication, DestinationRule (Istio)",
        remediation: "Use `mtls.mode: STRICT` and `ISTIO_MUTUAL` (or `MUTUAL`/`SIMPLE` with verification) client TLS.",
        references: &[
            "https://istio.io/latest/docs/reference/config/security/peer_authentication/",
            "https://istio.io/latest/docs/reference/config/networking/destination-rule/",
        ],
        pss: None,
        enabled_by_default: true,
        check: Check::Object(check),
    };
}

fn peer_authentication(object: &Object<'_>, out: &mut Emitter) {
    let mut judge = |pointer: String, scope: String| {
        let mode = object.at(&pointer).and_then(Node::as_str);
        let (what, severity) = match mode {
            Some("DISABLE") => ("turns mutual TLS off", Severity::Medium),
            Some("PERMISSIVE") => ("accepts plain-text traffic", Severity::Low),
            _ => return,
        };
        out.report(
            object,
            pointer,
            format!(
                "peer authentication {what} {scope}(`mode: {}`)",
                mode.unwrap_or_default()
            ),
        )
        .severity = Some(severity);
    };
    judge("/spec/mtls/mode".to_owned(), String::new());
    let ports = object
        .at("/spec/portLevelMtls")
        .and_then(Node::as_map)
        .unwrap_or_default();
    for entry in ports {
        let Some(port) = entry.key_str() else {
            continue;
        };
        judge(
            format!("/spec/portLevelMtls/{port}/mode"),
            format!("on port {port} "),
        );
    }
}

fn destination_rule(object: &Object<'_>, out: &mut Emitter) {
    let mut policies = vec![("/spec/trafficPolicy".to_owned(), String::new())];
    let subsets = object
        .at("/spec/subsets")
        .and_then(Node::as_seq)
        .unwrap_or_default();
    for (i, subset) in subsets.iter().enumerate() {
        let name = subset.get("name").and_then(Node::as_str).unwrap_or("");
        policies.push((
            format!("/spec/subsets/{i}/trafficPolicy"),
            format!("for subset `{name}` "),
        ));
    }
    for (policy, scope) in policies {
        let mut tls = vec![(format!("{policy}/tls"), scope.clone())];
        let ports = object
            .at(&format!("{policy}/portLevelSettings"))
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for (j, setting) in ports.iter().enumerate() {
            let number = setting
                .get("port")
                .and_then(|p| p.get("number"))
                .and_then(crate::rules::control_plane::settings::scalar_text)
                .unwrap_or("?");
            tls.push((
                format!("{policy}/portLevelSettings/{j}/tls"),
                format!("{scope}on port {number} "),
            ));
        }
        for (pointer, scope) in tls {
            let mode_pointer = format!("{pointer}/mode");
            if object.at(&mode_pointer).and_then(Node::as_str) == Some("DISABLE") {
                out.report(
                    object,
                    mode_pointer,
                    format!("destination rule sends plain text {scope}(`tls.mode: DISABLE`)"),
                );
            }
            let skip_pointer = format!("{pointer}/insecureSkipVerify");
            if object.at(&skip_pointer).and_then(Node::as_bool) == Some(true) {
                out.report(
                    object,
                    skip_pointer,
                    format!("destination rule does not verify the server's certificate {scope}(`insecureSkipVerify: true`)"),
                );
            }
        }
    }
}

fn check(_ctx: &Ctx<'_>, object: &Object<'_>, out: &mut Emitter) {
    match (object.kind.as_str(), object.group()) {
        ("PeerAuthentication", "security.istio.io") => peer_authentication(object, out),
        ("DestinationRule", "networking.istio.io") => destination_rule(object, out),
        _ => {}
    }
}
