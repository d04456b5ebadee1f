//! `kubecheck netpol`: which workloads reach which under the input's NetworkPolicies,
//! as a matrix, or one question answered with the located rules that decide it. The
//! answers come from the core's model (`kubecheck_core::netpol`), the one the network
//! rules ask.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use kubecheck_core::netpol::matrix::{self, Answer, Reach, OUTSIDE};
use kubecheck_core::netpol::{Endpoint, Network};
use kubecheck_core::output::escape;
use kubecheck_core::Input;

/// Most workloads in a matrix: it grows with their square.
const MAX_MATRIX_WORKLOADS: usize = 300;

#[derive(Debug, clap::Args)]
pub struct NetpolArgs {
    /// Files or folders (recursively: *.yaml, *.yml, *.json), `-` for stdin; all of them
    /// together are taken as one cluster.
    #[arg(default_value = "-")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = NetpolFormat::Text)]
    pub format: NetpolFormat,
    /// Answer one question: traffic from this workload (`namespace/name`,
    /// `namespace/Kind/name`, a name alone when unique, `outside`, or an IP address).
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// ...to this workload (or `outside`, or an IP address).
    #[arg(long, requires = "from")]
    pub to: Option<String>,
    /// ...on this TCP port [default: some port].
    #[arg(long, requires = "from", value_parser = clap::value_parser!(u16).range(1..))]
    pub port: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NetpolFormat {
    Text,
    Json,
}

pub fn run(args: NetpolArgs) -> Result<ExitCode> {
    let loaded = crate::inputs::load(&args.paths)?;
    let input = Input::parse(loaded.sources);
    let (objects, errors) = input.objects();
    for error in input.errors.iter().chain(&errors) {
        let source = input
            .sources
            .get(error.source)
            .map_or("-", |s| s.name.as_str());
        eprintln!(
            "kubecheck: warning: {}:{}:{}: {} (not in the model)",
            escape(source),
            error.pos.line,
            error.pos.column,
            escape(&error.message)
        );
    }
    let network = Network::build(&objects);
    let mut out = std::io::stdout().lock();
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let names = network.names();
        let from_endpoint = endpoint(&names, from)?;
        let to_endpoint = endpoint(&names, to)?;
        let answer = matrix::explain(
            &input,
            &network,
            (from, from_endpoint),
            (to, to_endpoint),
            args.port,
        );
        match args.format {
            NetpolFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&answer)?)?,
            NetpolFormat::Text => print_answer(&mut out, &answer)?,
        }
        return Ok(ExitCode::SUCCESS);
    }
    if network.workloads.len() > MAX_MATRIX_WORKLOADS {
        bail!(
            "{} workloads: the matrix is limited to {MAX_MATRIX_WORKLOADS}; ask about one pair with `--from` and `--to`, or give fewer paths",
            network.workloads.len()
        );
    }
    let matrix = matrix::matrix(&network);
    match args.format {
        NetpolFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&matrix)?)?,
        NetpolFormat::Text => print_matrix(&mut out, &matrix)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The workload (or outside address) that `name` names.
fn endpoint(names: &[String], name: &str) -> Result<Endpoint> {
    if name == OUTSIDE {
        return Ok(Endpoint::Outside(None));
    }
    if let Ok(ip) = name.parse() {
        return Ok(Endpoint::Outside(Some(ip)));
    }
    let exact = names.iter().position(|n| n == name);
    let by_name: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.rsplit('/').next() == Some(name))
        .map(|(i, _)| i)
        .collect();
    match (exact, by_name.as_slice()) {
        (Some(w), _) | (None, &[w]) => Ok(Endpoint::Workload(w)),
        (None, []) => bail!(
            "no workload `{}` in the input (workloads are named `namespace/name`; `kubecheck netpol` without `--from` lists them)",
            escape(name)
        ),
        (None, _) => bail!(
            "`{}` names several workloads: {}",
            escape(name),
            by_name
                .iter()
                .map(|&i| escape(&names[i]))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn cell_text(reach: &Reach) -> String {
    match reach {
        Reach::All => "all".to_owned(),
        Reach::None => "-".to_owned(),
        Reach::Unknown => "?".to_owned(),
        Reach::Ports(ports) => ports
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(","),
    }
}

fn print_matrix(out: &mut impl Write, matrix: &matrix::Matrix) -> std::io::Result<()> {
    let n = matrix.workloads.len();
    if n == 0 {
        return writeln!(out, "no workloads in the input");
    }
    writeln!(out, "workloads:")?;
    for (i, name) in matrix.workloads.iter().enumerate() {
        writeln!(out, "  [{}] {}", i + 1, escape(name))?;
    }
    let texts: Vec<String> = matrix.cells.iter().map(|c| cell_text(&c.reach)).collect();
    let width = texts
        .iter()
        .map(String::len)
        .chain((1..=n).map(|i| format!("[{i}]").len()))
        .max()
        .unwrap_or(3);
    let rows: Vec<String> = std::iter::once(OUTSIDE.to_owned())
        .chain((1..=n).map(|i| format!("[{i}]")))
        .collect();
    let label = rows
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max("from\\to".len());
    writeln!(out, "\nwhich TCP ports of the destination each source reaches (all: every declared port, or any port when none is declared; -: none; ?: not evaluated):")?;
    write!(out, "{:<label$}", "from\\to")?;
    for i in 1..=n {
        write!(out, "  {:>width$}", format!("[{i}]"))?;
    }
    writeln!(out)?;
    for (r, row) in rows.iter().enumerate() {
        write!(out, "{row:<label$}")?;
        for text in &texts[r * n..(r + 1) * n] {
            write!(out, "  {text:>width$}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn print_answer(out: &mut impl Write, answer: &Answer) -> std::io::Result<()> {
    let port = answer
        .port
        .map_or("some port".to_owned(), |p| format!("TCP port {p}"));
    writeln!(
        out,
        "{} -> {} on {port}: {}",
        escape(&answer.from),
        escape(&answer.to),
        if answer.allowed { "allowed" } else { "denied" }
    )?;
    for (side, what) in [(&answer.egress, "egress"), (&answer.ingress, "ingress")] {
        writeln!(
            out,
            "  {what}: {} ({})",
            side.verdict,
            escape(&side.explanation)
        )?;
        for rule in &side.rules {
            writeln!(
                out,
                "    {}  {} {}",
                escape(&rule.location),
                escape(&rule.policy),
                escape(&rule.pointer)
            )?;
        }
    }
    Ok(())
}
