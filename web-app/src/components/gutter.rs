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
    let selected = |line: u32| {
        props
            .selected
            .is_some_and(|(from, to)| (from..=to).contains(&line))
    };
    html! {
        <div class="gutter" ref={props.node.clone()} aria-hidden="true">
            { for (1..=props.lines as u32).map(|line| {
                let mark = props.marks.get(&line).map(|m| m.class());
                let class = classes!("ln", mark, selected(line).then_some("selected"));
                html! { <span {class} data-line={line.to_string()}>{ line }</span> }
            }) }
        </div>
    }
}
