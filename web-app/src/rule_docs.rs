//! A rule's documentation (`RuleInfo::help`, the Markdown of its doc comment) as blocks
//! the page renders itself, so the docs are readable offline and no HTML is injected.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(Vec<Inline>),
    ListItem(Vec<Inline>),
    Code(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
}

/// The doc comment's lines, without the space `///` leaves in front of each (when the
/// text still has it: then every line that is not empty starts with one).
fn lines(help: &str) -> impl Iterator<Item = &str> {
    let indented = help.lines().all(|l| l.is_empty() || l.starts_with(' '));
    help.lines().map(move |l| {
        if indented {
            l.strip_prefix(' ').unwrap_or(l)
        } else {
            l
        }
    })
}

pub fn blocks(help: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    let flush = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(Block::Paragraph(inlines(&paragraph.join(" "))));
            paragraph.clear();
        }
    };
    for line in lines(help) {
        if let Some(body) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(body.join("\n")));
                code = None;
            } else {
                body.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut paragraph, &mut blocks);
            code = Some(Vec::new());
        } else if let Some(heading) = trimmed.strip_prefix("## ") {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Heading(heading.to_owned()));
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::ListItem(inlines(item)));
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else {
            paragraph.push(trimmed);
        }
    }
    flush(&mut paragraph, &mut blocks);
    if let Some(body) = code {
        blocks.push(Block::Code(body.join("\n")));
    }
    blocks
}

/// Splits `text` on backticks into text and code spans.
pub fn inlines(text: &str) -> Vec<Inline> {
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| {
            if i % 2 == 1 {
                Inline::Code(part.to_owned())
            } else {
                Inline::Text(part.to_owned())
            }
        })
        .collect()
}

/// The text of one `## heading` section (its paragraphs joined), e.g. "Why is this bad?".
pub fn section(help: &str, heading: &str) -> Option<String> {
    let blocks = blocks(help);
    let start = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading(h) if h == heading))?;
    let text: Vec<String> = blocks[start + 1..]
        .iter()
        .take_while(|b| !matches!(b, Block::Heading(_)))
        .filter_map(|b| match b {
            Block::Paragraph(parts) => Some(plain(parts)),
            _ => None,
        })
        .collect();
    (!text.is_empty()).then(|| text.join("\n"))
}

fn plain(parts: &[Inline]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Inline::Text(t) => t.clone(),
            Inline::Code(c) => format!("`{c}`"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_rule_doc_has_its_why() {
        for rule in kubecheck_core::builtin_rules() {
            let why = section(&rule.help, "Why is this bad?");
            assert!(
                why.is_some_and(|w| w.len() > 20),
                "{}: no `Why is this bad?` text",
                rule.id
            );
            let blocks = blocks(&rule.help);
            assert!(
                blocks
                    .iter()
                    .any(|b| matches!(b, Block::Code(c) if c.contains("kind:"))),
                "{}: example YAML",
                rule.id
            );
        }
    }

    #[test]
    fn parses_headings_paragraphs_lists_code_and_spans() {
        let help = " ## What it does\n Flags `a`\n and b.\n\n - item `x`\n ```yaml\n k: v\n ```\n";
        assert_eq!(
            blocks(help),
            [
                Block::Heading("What it does".into()),
                Block::Paragraph(vec![
                    Inline::Text("Flags ".into()),
                    Inline::Code("a".into()),
                    Inline::Text(" and b.".into())
                ]),
                Block::ListItem(vec![Inline::Text("item ".into()), Inline::Code("x".into())]),
                Block::Code("k: v".into()),
            ]
        );
        assert_eq!(
            section(help, "What it does").as_deref(),
            Some("Flags `a` and b.")
        );
        assert_eq!(section(help, "Options"), None);
        let unindented = "## Example\n```yaml\nspec:\n  a: 1\n```\n";
        assert_eq!(blocks(unindented)[1], Block::Code("spec:\n  a: 1".into()));
    }
}
