//! A rule's documentation, shown in the page (it works offline, like everything else).

use kubecheck_core::RuleInfo;
use kubecheck_web::rule_docs::{blocks, Block, Inline};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct RuleDocProps {
    pub rule: RuleInfo,
    pub on_action: Callback<Action>,
}

#[function_component(RuleDoc)]
pub fn rule_doc(props: &RuleDocProps) -> Html {
    let close = use_node_ref();
    {
        let close = close.clone();
        use_effect_with(props.rule.id.clone(), move |_| {
            if let Some(button) = close.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let onkeydown = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_action.emit(Action::ShowDoc(None));
            }
        })
    };
    let rule = &props.rule;
    html! {
        <div class="overlay" onclick={props.on_action.reform(|_| Action::ShowDoc(None))}>
            <article class="rule-doc" role="dialog" aria-modal="true" aria-labelledby="rule-doc-title"
                {onkeydown} onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <header>
                    <h2 id="rule-doc-title">{ &rule.title }</h2>
                    <button type="button" ref={close} aria-label="Close the rule documentation"
                        onclick={props.on_action.reform(|_| Action::ShowDoc(None))}>{ "×" }</button>
                </header>
                <p class="meta">
                    <code>{ &rule.id }</code>
                    <span class={classes!("badge", format!("sev-{}", rule.severity))}>{ rule.severity.as_str() }</span>
                    <span>{ rule.category.to_string() }</span>
                    if let Some(pss) = rule.pss {
                        <span>{ format!("Pod Security {} control `{}`", pss.level, pss.control) }</span>
                    }
                </p>
                { for blocks(&rule.help).into_iter().map(render) }
                <p><strong>{ "Remediation: " }</strong>{ &rule.remediation }</p>
                <p class="hint">{ format!("Also in docs/rules.md#{} and `kubecheck explain {}`.", rule.id, rule.id) }</p>
            </article>
        </div>
    }
}

fn render(block: Block) -> Html {
    match block {
        Block::Heading(text) => html! { <h3>{ text }</h3> },
        Block::Paragraph(parts) => html! { <p>{ for parts.into_iter().map(inline) }</p> },
        Block::ListItem(parts) => {
            html! { <p class="item">{ "• " }{ for parts.into_iter().map(inline) }</p> }
        }
        Block::Code(code) => html! { <pre><code>{ code }</code></pre> },
    }
}

/// Text with `code` spans, as rule docs and finding messages write them.
pub fn inline(part: Inline) -> Html {
    match part {
        Inline::Text(text) => html! { { text } },
        Inline::Code(code) => html! { <code>{ code }</code> },
    }
}
