//! `kubecheck access`: who can do what, from the RBAC objects of the manifests.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use kubecheck_core::output::escape;
use kubecheck_core::rbac::access::{self, Place, Question};
use kubecheck_core::Input;

use crate::cli::{AccessCommand, AccessFormat};
use crate::inputs;

fn at(place: &Place) -> String {
    let namespace = place
        .namespace
        .as_deref()
        .map(|ns| format!("{ns}/"))
        .unwrap_or_default();
    escape(&format!(
        "{} {namespace}{} ({}:{}:{})",
        place.kind, place.name, place.file, place.line, place.column
    ))
    .into_owned()
}

pub fn run(command: AccessCommand) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match command {
        AccessCommand::WhoCan {
            verb,
            resource,
            namespace,
            format,
            paths,
        } => {
            let input = Input::parse(inputs::load(&paths)?.sources);
            let grants = access::who_can(
                &input,
                &Question::parse(&verb, &resource, namespace.as_deref()),
            );
            if format == AccessFormat::Json {
                writeln!(out, "{}", serde_json::to_string_pretty(&grants)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            if grants.is_empty() {
                writeln!(
                    out,
                    "no binding of the input allows `{}` on `{}`",
                    escape(&verb),
                    escape(&resource)
                )?;
            }
            for grant in &grants {
                writeln!(
                    out,
                    "{} {}: {}",
                    escape(&grant.role),
                    grant.scope,
                    escape(&grant.subjects.join(", "))
                )?;
                writeln!(out, "  binding  {}", at(&grant.binding))?;
                match &grant.rule {
                    Some(rule) => writeln!(out, "  rule     {}", at(rule))?,
                    None => writeln!(out, "  rule     a Kubernetes default role")?,
                }
                for workload in &grant.workloads {
                    writeln!(out, "  workload {}", at(workload))?;
                }
            }
        }
        AccessCommand::Of {
            subject,
            format,
            paths,
        } => {
            let input = Input::parse(inputs::load(&paths)?.sources);
            let permissions = access::of(&input, &subject);
            if format == AccessFormat::Json {
                writeln!(out, "{}", serde_json::to_string_pretty(&permissions)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            if permissions.is_empty() {
                writeln!(out, "no binding of the input names `{}`", escape(&subject))?;
            }
            for p in &permissions {
                let what = if p.non_resource_urls.is_empty() {
                    let groups: Vec<String> = p
                        .api_groups
                        .iter()
                        .map(|g| {
                            if g.is_empty() {
                                "\"\"".to_owned()
                            } else {
                                g.clone()
                            }
                        })
                        .collect();
                    let names = if p.resource_names.is_empty() {
                        String::new()
                    } else {
                        format!(" named {}", p.resource_names.join(","))
                    };
                    format!(
                        "{} on {} in {}{names}",
                        p.verbs.join(","),
                        p.resources.join(","),
                        groups.join(",")
                    )
                } else {
                    format!(
                        "{} on URLs {}",
                        p.verbs.join(","),
                        p.non_resource_urls.join(",")
                    )
                };
                writeln!(
                    out,
                    "{:<60} {} via {} ({})",
                    escape(&what),
                    p.scope,
                    escape(&p.role),
                    at(&p.binding)
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
