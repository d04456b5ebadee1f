//! The editor: a plain `<textarea>` (native editing, undo and accessibility) with line
//! numbers, a backdrop that marks the selected span, and file drop.

use std::collections::BTreeMap;
use std::rc::Rc;

use kubecheck_core::Report;
use kubecheck_web::text::{byte_offset, line_count, utf16_offset};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::gutter::{Gutter, Mark};
use crate::dom;
use crate::state::{Action, Focus, Shared, Span};

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: Rc<String>,
    pub report: Shared<Report>,
    pub focus: Option<Focus>,
    pub on_input: Callback<Edit>,
    pub on_action: Callback<Action>,
}

/// The editor's text after an input event, and whether the event put a whole text in at
/// once (a paste or a drop of text), which is checked at once rather than after a pause.
pub struct Edit {
    pub text: String,
    pub whole: bool,
}

/// `InputEvent.inputType`s that insert text the user did not type key by key
/// (<https://w3c.github.io/input-events/#interface-InputEvent-Attributes>).
const WHOLE_INSERTIONS: &[&str] = &[
    "insertFromPaste",
    "insertFromPasteAsQuotation",
    "insertFromDrop",
    "insertReplacementText",
];

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();
    let backdrop = use_node_ref();

    let marks = use_memo(props.report.clone(), |report| {
        let mut marks: BTreeMap<u32, Mark> = BTreeMap::new();
        let found = report
            .findings
            .iter()
            .map(|f| (f.location.line, Mark::Finding(f.severity)));
        let errors = report.errors.iter().map(|e| (e.line, Mark::Error));
        for (line, mark) in found.chain(errors) {
            let slot = marks.entry(line).or_insert(mark);
            *slot = (*slot).max(mark);
        }
        marks
    });

    let sync_scroll = {
        let (textarea, gutter, backdrop) = (textarea.clone(), gutter.clone(), backdrop.clone());
        move || {
            let Some(area) = textarea.cast::<HtmlTextAreaElement>() else {
                return;
            };
            if let Some(g) = gutter.cast::<HtmlElement>() {
                g.set_scroll_top(area.scroll_top());
            }
            if let Some(b) = backdrop.cast::<HtmlElement>() {
                b.set_scroll_top(area.scroll_top());
                b.set_scroll_left(area.scroll_left());
            }
        }
    };

    {
        let textarea = textarea.clone();
        let text = props.text.clone();
        let sync_scroll = sync_scroll.clone();
        use_effect_with(props.focus, move |focus| {
            if let (Some(focus), Some(area)) = (focus, textarea.cast::<HtmlTextAreaElement>()) {
                select(&area, &text, focus.span);
                sync_scroll();
            }
        });
    }

    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            on_input.emit(Edit {
                whole: WHOLE_INSERTIONS.contains(&e.input_type().as_str()),
                text: e.target_unchecked_into::<HtmlTextAreaElement>().value(),
            })
        })
    };
    let onscroll = Callback::from(move |_: Event| sync_scroll());
    let ondragover = Callback::from(|e: DragEvent| {
        if has_files(&e) {
            e.prevent_default();
        }
    });
    let ondrop = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: DragEvent| {
            let Some(files) = e.data_transfer().and_then(|d| d.files()) else {
                return;
            };
            let files = dom::manifest_files(&files);
            if files.is_empty() {
                return;
            }
            e.prevent_default();
            let on_action = on_action.clone();
            wasm_bindgen_futures::spawn_local(async move {
                on_action.emit(match dom::read_files(files).await {
                    Ok(text) => Action::Load(text),
                    Err(e) => Action::Notice(Some(e)),
                });
            });
        })
    };

    let selected = props
        .focus
        .map(|f| (f.span.line, f.span.end_line.max(f.span.line)));
    html! {
        <div class="editor">
            <Gutter lines={line_count(&props.text)} marks={marks} {selected} node={gutter} />
            <div class="code">
                <div class="backdrop" ref={backdrop} aria-hidden="true">
                    { backdrop_content(&props.text, props.focus) }
                </div>
                <textarea
                    ref={textarea}
                    data-testid="manifest-input"
                    aria-label="Kubernetes manifests, YAML or JSON"
                    placeholder="Paste Kubernetes manifests here, drop files, or use “Open files”"
                    spellcheck="false"
                    autocapitalize="off"
                    autocomplete="off"
                    wrap="off"
                    value={(*props.text).clone()}
                    {oninput}
                    {onscroll}
                    {ondragover}
                    {ondrop}
                />
            </div>
        </div>
    }
}

fn has_files(e: &DragEvent) -> bool {
    e.data_transfer().is_some_and(|d| {
        d.types()
            .iter()
            .any(|t| t.as_string().as_deref() == Some("Files"))
    })
}

/// The text, invisible, with the focused span wrapped in `<mark>`: it sits exactly under
/// the textarea's glyphs, so the span stays marked when the editor loses focus.
fn backdrop_content(text: &str, focus: Option<Focus>) -> Html {
    let Some(range) = focus.and_then(|f| marked_range(text, f.span)) else {
        return html! {};
    };
    let (start, end) = range;
    html! {
        <>
            { &text[..start] }
            <mark>{ &text[start..end] }</mark>
            { &text[end..] }
            { "\n" }
        </>
    }
}

/// Byte range to mark; an empty span (a place to insert) marks the rest of its line.
fn marked_range(text: &str, span: Span) -> Option<(usize, usize)> {
    let start = byte_offset(text, span.line, span.column)?;
    let end = byte_offset(text, span.end_line, span.end_column)?.max(start);
    if end > start {
        return Some((start, end));
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    Some((start, line_end))
}

/// Selects `span` and scrolls it to the upper third of the editor.
fn select(area: &HtmlTextAreaElement, text: &str, span: Span) {
    let (Some(start), Some(end)) = (
        utf16_offset(text, span.line, span.column),
        utf16_offset(text, span.end_line, span.end_column),
    ) else {
        return;
    };
    let _ = area.focus();
    let _ = area.set_selection_range(start, end.max(start));
    let line_height = line_height(area);
    let top = (span.line.saturating_sub(1) as f64 * line_height) as i32 - area.client_height() / 3;
    area.set_scroll_top(top.max(0));
}

fn line_height(area: &HtmlTextAreaElement) -> f64 {
    web_sys::window()
        .and_then(|w| w.get_computed_style(area.unchecked_ref()).ok().flatten())
        .and_then(|style| style.get_property_value("line-height").ok())
        .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(20.0)
}
