//! Line numbers beside the editor, marked where findings and parse errors are.

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::prelude::*;

/// What a line carries, most serious first in `Ord` terms: errors above any finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    Finding(kubecheck_core::Severity),
    Error,
}

impl Mark {
    fn class(self) -> String {
        match self {
            Mark::Error => "mark-error".into(),
            Mark::Finding(severity) => format!("mark-{severity}"),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct GutterProps {
    pub lines: usize,
    pub marks: Rc<BTreeMap<u32, Mark>>,
    /// Lines of the selected span.
    pub selected: Option<(u32, u32)>,
    pub node: NodeRef,
}

#[function_component(Gutter)]
pub fn gutter(props: &GutterProps) -> Html {
    let last = props.lines as u32;
    let selected = props.selected.map(|(from, to)| from.max(1)..=to.min(last));
    // Only lines with a mark or in the selection are elements; each run of plain
    // numbers between them is one text node, so a long text is a handful of nodes and
    // a check re-renders only those. The elements are blocks of one line's height, so
    // the runs between them start and end on their own lines.
    let mut special: Vec<u32> = props.marks.range(1..=last).map(|(&l, _)| l).collect();
    special.extend(selected.clone().into_iter().flatten());
    special.sort_unstable();
    special.dedup();
    let mut nodes = Vec::with_capacity(special.len() * 2 + 1);
    let mut next = 1;
    for line in special.into_iter().chain(std::iter::once(last + 1)) {
        if line > next {
            let run: Vec<String> = (next..line).map(|l| l.to_string()).collect();
            nodes.push(html! { { run.join("\n") } });
        }
        if line <= last {
            let mark = props.marks.get(&line).map(|m| m.class());
            let class = classes!(
                "ln",
                mark,
                selected
                    .as_ref()
                    .is_some_and(|s| s.contains(&line))
                    .then_some("selected")
            );
            nodes.push(html! {
                <span {class} data-line={line.to_string()}>{ line }</span>
            });
        }
        next = line + 1;
    }
    html! {
        <div class="gutter" ref={props.node.clone()} aria-hidden="true">
            { for nodes }
        </div>
    }
}
