//! One reader of control-plane settings for every rule that judges them: the flags of
//! kube-apiserver, kubelet, kube-controller-manager, kube-scheduler and etcd, wherever a
//! manifest sets them (a static pod's `command`/`args`, etcd's `ETCD_*` environment,
//! kubeadm's `extraArgs`, a `KubeletConfiguration`), with the defaults that apply where
//! a flag is not set.
//!
//! Defaults are facts of the components' sources, cited where they are listed below.
//! A default is only used where the manifest shows everything that could override it:
//! a component started with a config file (`--config`, `--authentication-config`…) that
//! is not in the input gets no defaults for what that file sets.

use crate::model::{ContainerRef, Object};
use crate::yaml::{Node, Value};

/// A control-plane program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Component {
    ApiServer,
    Kubelet,
    ControllerManager,
    Scheduler,
    Etcd,
}

impl Component {
    /// The program a command word starts: its file name, also the `hyperkube` sub-command
    /// names (`hyperkube apiserver`).
    fn from_word(word: &str) -> Option<Component> {
        Some(match word.rsplit('/').next()? {
            "kube-apiserver" | "apiserver" => Component::ApiServer,
            "kubelet" => Component::Kubelet,
            "kube-controller-manager" | "controller-manager" => Component::ControllerManager,
            "kube-scheduler" | "scheduler" => Component::Scheduler,
            "etcd" => Component::Etcd,
            _ => return None,
        })
    }

    /// The program an image runs when the container has no `command`: its repository's
    /// last path segment (`registry.k8s.io/kube-apiserver-amd64:v1.34.1`).
    fn from_image(image: &str) -> Option<Component> {
        let name = image.split('@').next()?;
        let last = name.rsplit('/').next()?;
        let repo = last.split(':').next()?;
        let repo = ["-amd64", "-arm64", "-arm", "-ppc64le", "-s390x"]
            .iter()
            .find_map(|arch| repo.strip_suffix(arch))
            .unwrap_or(repo);
        match repo {
            "kube-apiserver" => Some(Component::ApiServer),
            "kube-controller-manager" => Some(Component::ControllerManager),
            "kube-scheduler" => Some(Component::Scheduler),
            "etcd" => Some(Component::Etcd),
            _ => None,
        }
    }
}

/// Flags that take no value: `--flag value` is not a value for them (pflag and Go's
/// `flag` read `--flag` alone as true and `value` as a stray argument).
const BOOL_FLAGS: &[&str] = &[
    "anonymous-auth",
    "authentication-token-webhook",
    "profiling",
    "client-cert-auth",
    "peer-client-cert-auth",
    "auto-tls",
    "peer-auto-tls",
    "enable-bootstrap-token-auth",
    "allow-privileged",
    "leader-elect",
    "enable-pprof",
];

/// Where a setting's value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Written in the manifest, as `shown`.
    Manifest { shown: String },
    /// The component's own default, the manifest not setting it.
    Default,
    /// What kubeadm passes when the `ClusterConfiguration` does not override it.
    Kubeadm,
}

/// The value a component runs with for one flag, and where it comes from.
#[derive(Clone, Debug)]
pub(crate) struct Setting {
    pub flag: &'static str,
    pub value: String,
    /// Where the manifest sets it; for a default, where the flag would go.
    pub pointer: String,
    pub origin: Origin,
}

impl Setting {
    /// How a message cites the setting: `` (`--anonymous-auth=true`) `` or
    /// `` (`--anonymous-auth` is not set: it defaults to `true`) ``.
    pub fn cite(&self) -> String {
        match &self.origin {
            Origin::Manifest { shown } => format!("(`{shown}`)"),
            Origin::Default => format!(
                "(`--{}` is not set: it defaults to `{}`)",
                self.flag, self.value
            ),
            Origin::Kubeadm => format!(
                "(`--{}` is not in `extraArgs`: kubeadm sets `{}`)",
                self.flag, self.value
            ),
        }
    }

    /// The comma-separated items of a list flag (`--authorization-mode=Node,RBAC`).
    pub fn items(&self) -> Vec<&str> {
        self.value
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    pub fn is_true(&self) -> bool {
        self.value.eq_ignore_ascii_case("true")
    }
}

/// One flag as the manifest writes it.
#[derive(Clone, Debug)]
struct Flag {
    name: String,
    value: String,
    pointer: String,
    shown: String,
}

/// How the settings were given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// A container's command line (a static pod or any workload).
    CommandLine,
    /// kubeadm's `extraArgs` (`ClusterConfiguration`) or `kubeletExtraArgs`.
    Kubeadm,
    /// A `KubeletConfiguration` file.
    KubeletConfiguration,
}

/// The settings of one component instance in one object.
#[derive(Debug)]
pub(crate) struct Settings {
    pub component: Component,
    pub form: Form,
    /// For messages: ``container `kube-apiserver` `` or ``kubeadm `apiServer` ``.
    pub subject: String,
    /// Where a flag that is not set belongs: the word that starts the program, or the
    /// `extraArgs` mapping.
    pub anchor: String,
    flags: Vec<Flag>,
    defaults: Vec<(&'static str, String)>,
}

impl Settings {
    /// The value the component runs with for `flag` (without dashes): the last one
    /// the manifest sets (pflag keeps the last), else the default, if known.
    pub fn get(&self, flag: &'static str) -> Option<Setting> {
        if let Some(f) = self.flags.iter().rev().find(|f| f.name == flag) {
            return Some(Setting {
                flag,
                value: f.value.clone(),
                pointer: f.pointer.clone(),
                origin: Origin::Manifest {
                    shown: f.shown.clone(),
                },
            });
        }
        let (_, value) = self.defaults.iter().find(|(name, _)| *name == flag)?;
        Some(Setting {
            flag,
            value: value.clone(),
            pointer: self.anchor.clone(),
            origin: if self.form == Form::Kubeadm && !COMPONENT_DEFAULTS_ONLY.contains(&flag) {
                Origin::Kubeadm
            } else {
                Origin::Default
            },
        })
    }

    /// Whether the manifest sets `flag` at all (a config-file flag, a path).
    pub fn is_set(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.name == flag)
            || self.defaults.iter().any(|(name, _)| *name == flag)
    }
}

/// Defaults that come from the component, not from kubeadm, in a kubeadm configuration.
const COMPONENT_DEFAULTS_ONLY: &[&str] = &["anonymous-auth", "profiling"];

/// The components' own defaults for the flags the rules judge.
fn component_defaults(component: Component, flags: &[Flag]) -> Vec<(&'static str, String)> {
    let set = |name: &str| flags.iter().any(|f| f.name == name);
    let mut defaults: Vec<(&'static str, &str)> = Vec::new();
    match component {
        Component::ApiServer => {
            // pkg/kubeapiserver/options/authentication.go: `WithAnonymous` sets
            // `Allow: true`; authorization.go: `Modes: AlwaysAllow`.
            if !set("authentication-config") {
                defaults.push(("anonymous-auth", "true"));
            }
            if !set("authorization-config") {
                defaults.push(("authorization-mode", "AlwaysAllow"));
            }
            // staging/src/k8s.io/apiserver/pkg/server/options/feature.go: EnableProfiling: true.
            defaults.push(("profiling", "true"));
        }
        Component::Kubelet if !set("config") => {
            // cmd/kubelet/app/options/options.go, applyLegacyDefaults: the flags'
            // defaults when no config file is given.
            defaults.extend([
                ("anonymous-auth", "true"),
                ("authentication-token-webhook", "false"),
                ("authorization-mode", "AlwaysAllow"),
                ("read-only-port", "10255"),
            ]);
        }
        // component-base/config/v1alpha1 defaults: EnableProfiling true. A scheduler
        // with `--config` takes it from that file.
        Component::ControllerManager => defaults.push(("profiling", "true")),
        Component::Scheduler if !set("config") => defaults.push(("profiling", "true")),
        // etcd's flags default to false (server/embed/config.go); a `--config-file`
        // replaces every flag.
        Component::Etcd if !set("config-file") => defaults.extend([
            ("client-cert-auth", "false"),
            ("peer-client-cert-auth", "false"),
        ]),
        _ => {}
    }
    defaults
        .into_iter()
        .map(|(name, value)| (name, value.to_owned()))
        .collect()
}

/// A scalar's text whatever its type (`true`, `10255`, `Node,RBAC`).
pub(crate) fn scalar_text(node: &Node) -> Option<&str> {
    match &node.value {
        Value::Scalar(s) => Some(&s.text),
        _ => None,
    }
}

/// Every component instance `object` configures.
pub(crate) fn read(object: &Object<'_>) -> Vec<Settings> {
    match (object.kind.as_str(), object.group()) {
        ("ClusterConfiguration", "kubeadm.k8s.io") => kubeadm_cluster(object),
        ("InitConfiguration" | "JoinConfiguration", "kubeadm.k8s.io") => {
            kubeadm_kubelet(object).into_iter().collect()
        }
        ("KubeletConfiguration", "kubelet.config.k8s.io") => vec![kubelet_configuration(object)],
        _ => object
            .pods
            .iter()
            .flat_map(|pod| {
                pod.containers
                    .iter()
                    .filter_map(|c| command_line(object, c))
            })
            .collect(),
    }
}

/// One word of a container's command line with the list item it is in (`command` or
/// `args`, and its index). The item's pointer is made only for a flag that is kept:
/// nearly every container runs no control-plane component.
struct Word<'a> {
    text: &'a str,
    item: (&'static str, usize),
}

impl Word<'_> {
    /// The pointer of the list item the word is in.
    fn pointer(&self, container: &ContainerRef) -> String {
        let (field, index) = self.item;
        container.at(&format!("{field}/{index}"))
    }
}

/// The words of `command` then `args`; list items holding a shell line are split at
/// whitespace, every word keeping its item's pointer.
fn command_words(container: &ContainerRef) -> Vec<Word<'_>> {
    let lists = [
        ("command", container.container.command.as_deref()),
        ("args", container.container.args.as_deref()),
    ];
    let mut words = Vec::new();
    for (field, items) in lists {
        for (i, item) in items.unwrap_or_default().iter().enumerate() {
            for text in item.split_whitespace() {
                words.push(Word {
                    text,
                    item: (field, i),
                });
            }
        }
    }
    words
}

/// The flags of a command line of `container`, from `words` on.
fn flags_of(container: &ContainerRef, words: &[Word<'_>]) -> Vec<Flag> {
    let mut flags = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let Some(body) = word
            .text
            .strip_prefix("--")
            .or_else(|| word.text.strip_prefix('-'))
        else {
            continue;
        };
        let (name, value, shown) = match body.split_once('=') {
            Some((name, value)) => (name, value.to_owned(), word.text.to_owned()),
            None if BOOL_FLAGS.contains(&body) => (body, "true".to_owned(), word.text.to_owned()),
            None => match words.get(i + 1) {
                Some(next) if !next.text.starts_with('-') => (
                    body,
                    next.text.to_owned(),
                    format!("{} {}", word.text, next.text),
                ),
                _ => (body, String::new(), word.text.to_owned()),
            },
        };
        flags.push(Flag {
            name: name.to_owned(),
            value: value.trim_matches(|c| c == '"' || c == '\'').to_owned(),
            pointer: word.pointer(container),
            shown,
        });
    }
    flags
}

/// Whether word `i` can name the program a command line runs: the first word, the first
/// word of a list item that is not a flag's value, or a word after `exec`, `-c` or a
/// shell separator; never a flag or a `name=value` word. A flag's value that happens
/// to end in a program's name (`--kubelet-service=kube-system/kubelet`) is not one.
fn starts_program(words: &[Word<'_>], i: usize) -> bool {
    let word = words[i].text;
    if word.starts_with('-') || word.contains('=') {
        return false;
    }
    let Some(before) = i.checked_sub(1).map(|j| &words[j]) else {
        return true;
    };
    matches!(before.text, "exec" | "-c" | "&&" | "||" | ";")
        || (before.item != words[i].item && !before.text.starts_with('-'))
}

/// The component a container runs, from its command line or, without a command, its
/// image; with its flags.
fn command_line(object: &Object<'_>, c: &ContainerRef) -> Option<Settings> {
    let words = command_words(c);
    let start = words.iter().enumerate().find_map(|(i, w)| {
        if !starts_program(&words, i) {
            return None;
        }
        let name = w.text.rsplit('/').next()?;
        if name == "hyperkube" {
            let sub = words.get(i + 1)?;
            return Some((Component::from_word(sub.text)?, i + 1));
        }
        // `apiserver`/`scheduler` alone are hyperkube's words, not programs.
        if matches!(name, "apiserver" | "scheduler" | "controller-manager") {
            return None;
        }
        Some((Component::from_word(w.text)?, i))
    });
    let (component, flags, anchor) = match start {
        Some((component, i)) => (component, flags_of(c, &words[i + 1..]), words[i].pointer(c)),
        None if c.container.command.is_none() => {
            let component = Component::from_image(c.container.image.as_deref()?)?;
            let field = if c.container.args.is_some() {
                "args"
            } else {
                "image"
            };
            (component, flags_of(c, &words), c.at(field))
        }
        None => return None,
    };
    let flags = if component == Component::Etcd {
        let mut all = etcd_environment(object, c);
        all.extend(flags);
        all
    } else {
        flags
    };
    Some(Settings {
        component,
        form: Form::CommandLine,
        subject: format!("{} `{}`", c.kind.noun(), c.name()),
        anchor,
        defaults: component_defaults(component, &flags),
        flags,
    })
}

/// etcd reads every flag from `ETCD_<FLAG>` too (`ETCD_CLIENT_CERT_AUTH=true`); a flag
/// on the command line wins, so these come first.
fn etcd_environment(object: &Object<'_>, c: &ContainerRef) -> Vec<Flag> {
    c.env(object)
        .iter()
        .enumerate()
        .filter_map(|(i, var)| {
            let name = var.name.strip_prefix("ETCD_")?;
            let value = var.value.as_deref()?;
            Some(Flag {
                name: name.to_ascii_lowercase().replace('_', "-"),
                value: value.to_owned(),
                pointer: c.at(&format!("env/{i}/value")),
                shown: format!("{}={value}", var.name),
            })
        })
        .collect()
}

/// kubeadm `extraArgs` at `pointer`: a mapping (v1beta3) or a list of `name`/`value`
/// (v1beta4, where a name may repeat).
fn extra_args(object: &Object<'_>, pointer: &str) -> Vec<Flag> {
    let Some(node) = object.at(pointer) else {
        return Vec::new();
    };
    let flag = |name: &str, value: &str, pointer: String| Flag {
        name: name.trim_start_matches('-').to_owned(),
        value: value.to_owned(),
        pointer,
        shown: format!("--{}={value}", name.trim_start_matches('-')),
    };
    if let Some(entries) = node.as_map() {
        return entries
            .iter()
            .filter_map(|e| {
                let name = e.key_str()?;
                let value = scalar_text(&e.value)?;
                Some(flag(name, value, format!("{pointer}/{name}")))
            })
            .collect();
    }
    node.as_seq()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            let name = item.get("name").and_then(Node::as_str)?;
            let value = item.get("value").and_then(scalar_text).unwrap_or("");
            Some(flag(name, value, format!("{pointer}/{i}/value")))
        })
        .collect()
}

/// What kubeadm puts on each component's command line besides `extraArgs`:
/// cmd/kubeadm/app/phases/controlplane/manifests.go (`getAPIServerCommand`…) and
/// cmd/kubeadm/app/phases/etcd/local.go (`getEtcdCommand`).
fn kubeadm_defaults(object: &Object<'_>, component: Component) -> Vec<(&'static str, String)> {
    let mut defaults: Vec<(&'static str, String)> = Vec::new();
    let mut add = |name: &'static str, value: &str| defaults.push((name, value.to_owned()));
    match component {
        Component::ApiServer => {
            add("enable-admission-plugins", "NodeRestriction");
            add("client-ca-file", "ca.crt");
            add("tls-cert-file", "apiserver.crt");
            add("tls-private-key-file", "apiserver.key");
            add("kubelet-client-certificate", "apiserver-kubelet-client.crt");
            add("kubelet-client-key", "apiserver-kubelet-client.key");
            add("authorization-mode", "Node,RBAC");
            match object.at("/etcd/external") {
                // External etcd: the files the configuration names, if any.
                Some(external) if !external.is_null() => {
                    for (field, flag) in [
                        ("caFile", "etcd-cafile"),
                        ("certFile", "etcd-certfile"),
                        ("keyFile", "etcd-keyfile"),
                    ] {
                        if let Some(v) = external.get(field).and_then(Node::as_str) {
                            if !v.is_empty() {
                                add(flag, v);
                            }
                        }
                    }
                    let endpoints: Vec<&str> = external
                        .get("endpoints")
                        .and_then(Node::as_seq)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(Node::as_str)
                        .collect();
                    add("etcd-servers", &endpoints.join(","));
                }
                _ => {
                    add("etcd-servers", "https://127.0.0.1:2379");
                    add("etcd-cafile", "etcd/ca.crt");
                    add("etcd-certfile", "apiserver-etcd-client.crt");
                    add("etcd-keyfile", "apiserver-etcd-client.key");
                }
            }
        }
        Component::Etcd => {
            add(
                "listen-client-urls",
                "https://127.0.0.1:2379,https://<advertise-address>:2379",
            );
            add("cert-file", "etcd/server.crt");
            add("key-file", "etcd/server.key");
            add("trusted-ca-file", "etcd/ca.crt");
            add("client-cert-auth", "true");
            add("peer-cert-file", "etcd/peer.crt");
            add("peer-key-file", "etcd/peer.key");
            add("peer-trusted-ca-file", "etcd/ca.crt");
            add("peer-client-cert-auth", "true");
        }
        _ => {}
    }
    defaults
}

/// The components of a kubeadm `ClusterConfiguration`.
fn kubeadm_cluster(object: &Object<'_>) -> Vec<Settings> {
    let parts = [
        ("apiServer", "/apiServer", Component::ApiServer),
        (
            "controllerManager",
            "/controllerManager",
            Component::ControllerManager,
        ),
        ("scheduler", "/scheduler", Component::Scheduler),
        ("etcd.local", "/etcd/local", Component::Etcd),
    ];
    parts
        .into_iter()
        .filter(|(_, pointer, component)| {
            // etcd runs as a static pod unless `etcd.external` is given.
            *component != Component::Etcd
                || object.at("/etcd/external").is_none_or(Node::is_null)
                || object.at(pointer).is_some()
        })
        .map(|(name, pointer, component)| {
            let args_pointer = format!("{pointer}/extraArgs");
            let flags = extra_args(object, &args_pointer);
            let mut defaults = kubeadm_defaults(object, component);
            for (flag, value) in component_defaults(component, &flags) {
                if !defaults.iter().any(|(name, _)| *name == flag) {
                    defaults.push((flag, value));
                }
            }
            Settings {
                component,
                form: Form::Kubeadm,
                subject: format!("kubeadm `{name}`"),
                anchor: args_pointer,
                flags,
                defaults,
            }
        })
        .collect()
}

/// `nodeRegistration.kubeletExtraArgs` of a kubeadm `InitConfiguration` or
/// `JoinConfiguration`: flags over the `KubeletConfiguration` kubeadm writes, so no
/// flag defaults apply.
fn kubeadm_kubelet(object: &Object<'_>) -> Option<Settings> {
    let pointer = "/nodeRegistration/kubeletExtraArgs";
    object.at(pointer)?;
    Some(Settings {
        component: Component::Kubelet,
        form: Form::Kubeadm,
        subject: "kubeadm `kubeletExtraArgs`".to_owned(),
        anchor: pointer.to_owned(),
        flags: extra_args(object, pointer),
        defaults: Vec::new(),
    })
}

/// A `KubeletConfiguration`'s fields as the flags they replace. Defaults:
/// pkg/kubelet/apis/config/v1beta1/defaults.go (anonymous off, webhook authentication
/// on, `Webhook` authorization, read-only port 0).
fn kubelet_configuration(object: &Object<'_>) -> Settings {
    const FIELDS: &[(&str, &str, &str)] = &[
        (
            "/authentication/anonymous/enabled",
            "anonymous-auth",
            "authentication.anonymous.enabled",
        ),
        (
            "/authentication/webhook/enabled",
            "authentication-token-webhook",
            "authentication.webhook.enabled",
        ),
        (
            "/authorization/mode",
            "authorization-mode",
            "authorization.mode",
        ),
        ("/readOnlyPort", "read-only-port", "readOnlyPort"),
        ("/tlsMinVersion", "tls-min-version", "tlsMinVersion"),
        (
            "/authentication/x509/clientCAFile",
            "client-ca-file",
            "authentication.x509.clientCAFile",
        ),
    ];
    let mut flags: Vec<Flag> = FIELDS
        .iter()
        .filter_map(|(pointer, flag, field)| {
            let value = scalar_text(object.at(pointer)?)?;
            Some(Flag {
                name: (*flag).to_owned(),
                value: value.to_owned(),
                pointer: (*pointer).to_owned(),
                shown: format!("{field}: {value}"),
            })
        })
        .collect();
    if let Some(suites) = object.at("/tlsCipherSuites").and_then(Node::as_seq) {
        let names: Vec<&str> = suites.iter().filter_map(Node::as_str).collect();
        flags.push(Flag {
            name: "tls-cipher-suites".to_owned(),
            value: names.join(","),
            pointer: "/tlsCipherSuites".to_owned(),
            shown: format!("tlsCipherSuites: [{}]", names.join(", ")),
        });
    }
    let defaults = [
        ("anonymous-auth", "false"),
        ("authentication-token-webhook", "true"),
        ("authorization-mode", "Webhook"),
        ("read-only-port", "0"),
    ]
    .into_iter()
    .map(|(name, value)| (name, value.to_owned()))
    .collect();
    Settings {
        component: Component::Kubelet,
        form: Form::KubeletConfiguration,
        subject: "kubelet configuration".to_owned(),
        anchor: String::new(),
        flags,
        defaults,
    }
}

/// The pointer of the list item for `tls-cipher-suites` named `suite`, where the
/// manifest lists suites one per item (`KubeletConfiguration`); the flag's otherwise.
pub(crate) fn suite_pointer(object: &Object<'_>, setting: &Setting, suite: &str) -> String {
    if setting.pointer == "/tlsCipherSuites" {
        if let Some(i) = object
            .at("/tlsCipherSuites")
            .and_then(Node::as_seq)
            .and_then(|s| s.iter().position(|n| n.as_str() == Some(suite)))
        {
            return format!("/tlsCipherSuites/{i}");
        }
    }
    setting.pointer.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Input, Source};

    /// A flag as `(name, value, pointer)`.
    type Read = (String, String, String);

    fn settings_of(yaml: &str) -> Vec<(Component, Vec<Read>)> {
        let input = Input::parse(vec![Source::new("t.yaml", yaml)]);
        let (objects, errors) = input.objects();
        assert!(errors.is_empty(), "{errors:?}");
        objects
            .iter()
            .flat_map(read)
            .map(|s| {
                let flags = s
                    .flags
                    .iter()
                    .map(|f| (f.name.clone(), f.value.clone(), f.pointer.clone()))
                    .collect();
                (s.component, flags)
            })
            .collect()
    }

    #[test]
    fn flags_in_both_forms_and_in_a_shell_line() {
        let found = settings_of(
            "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: registry.k8s.io/kube-apiserver:v1.34.1
    command: [kube-apiserver, --authorization-mode, 'Node,RBAC', --anonymous-auth, --profiling=false]
  - name: b
    image: busybox
    command: [sh, -c, 'exec /usr/local/bin/etcd --client-cert-auth --auto-tls=true']
  - name: c
    image: registry.k8s.io/kube-scheduler-amd64:v1.30.0
    args: [--profiling, 'false']
",
        );
        let s = |n: &str, v: &str, p: &str| (n.to_owned(), v.to_owned(), p.to_owned());
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].0, Component::ApiServer);
        assert_eq!(
            found[0].1,
            vec![
                s(
                    "authorization-mode",
                    "Node,RBAC",
                    "/spec/containers/0/command/1"
                ),
                s("anonymous-auth", "true", "/spec/containers/0/command/3"),
                s("profiling", "false", "/spec/containers/0/command/4"),
            ]
        );
        assert_eq!(found[1].0, Component::Etcd);
        assert_eq!(
            found[1].1,
            vec![
                s("client-cert-auth", "true", "/spec/containers/1/command/2"),
                s("auto-tls", "true", "/spec/containers/1/command/2"),
            ]
        );
        // A boolean flag takes no separate value: `false` is a stray word.
        assert_eq!(found[2].0, Component::Scheduler);
        assert_eq!(
            found[2].1,
            vec![s("profiling", "true", "/spec/containers/2/args/0")]
        );
    }

    #[test]
    fn kubeadm_extra_args_as_mapping_and_as_list() {
        let v1beta3 = settings_of(
            "apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
apiServer:
  extraArgs:
    anonymous-auth: \"true\"
",
        );
        let v1beta4 = settings_of(
            "apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs:
  - name: anonymous-auth
    value: \"true\"
",
        );
        assert_eq!(
            v1beta3[0].1,
            vec![(
                "anonymous-auth".to_owned(),
                "true".to_owned(),
                "/apiServer/extraArgs/anonymous-auth".to_owned()
            )]
        );
        assert_eq!(
            v1beta4[0].1,
            vec![(
                "anonymous-auth".to_owned(),
                "true".to_owned(),
                "/apiServer/extraArgs/0/value".to_owned()
            )]
        );
        // apiServer, controllerManager, scheduler and the local etcd.
        assert_eq!(v1beta3.len(), 4);
    }

    #[test]
    fn other_programs_and_malformed_fields_are_no_component() {
        assert!(settings_of(
            "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - {name: a, image: nginx, args: [--anonymous-auth=true]}
  - {name: b, image: example/tool, command: [cfssl, --profile=kube-apiserver]}
  - {name: c, image: example/operator, args: [--kubelet-service=kube-system/kubelet]}
  - {name: d, image: example/operator, args: [--kubelet-service, kube-system/kubelet]}
"
        )
        .is_empty());
        let odd = settings_of(
            "apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs: [{value: x}, 3, {name: profiling, value: [1]}]
",
        );
        assert_eq!(odd[0].1.len(), 1);
    }
}
