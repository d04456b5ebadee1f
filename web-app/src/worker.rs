//! Plugin calls in a Web Worker (`plugin-worker.js`): each call gets a fresh worker that
//! is terminated when it answers or when the deadline passes, whichever comes first.

use js_sys::{Object, Promise, Reflect, Uint8Array};
use kubecheck_web::plugin::{Outcome, TIMEOUT_MS};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MessageEvent, Worker};

pub enum Call<'a> {
    Metadata,
    Check(&'a str),
}

/// Runs one ABI call of the plugin `bytes`: its output document, or `reason: details`.
pub async fn call(name: &str, bytes: &[u8], call: Call<'_>) -> Outcome {
    let worker =
        Worker::new("plugin-worker.js").map_err(|e| format!("cannot start a worker: {e:?}"))?;
    let message = Object::new();
    let set = |key: &str, value: &JsValue| Reflect::set(&message, &key.into(), value);
    let (op, input) = match call {
        Call::Metadata => ("metadata", None),
        Call::Check(input) => ("check", Some(input)),
    };
    let sent = set("op", &op.into())
        .and_then(|_| set("name", &name.into()))
        .and_then(|_| set("bytes", &Uint8Array::from(bytes).into()))
        .and_then(|_| set("input", &input.map_or(JsValue::UNDEFINED, JsValue::from)));
    if sent.is_err() {
        worker.terminate();
        return Err("cannot build the worker message".into());
    }

    let answer = Promise::new(&mut |resolve, _| {
        let on_message = {
            let resolve = resolve.clone();
            Closure::once_into_js(move |e: MessageEvent| {
                let _ = resolve.call1(&JsValue::NULL, &e.data());
            })
        };
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        let on_error = {
            let resolve = resolve.clone();
            Closure::once_into_js(move |_: JsValue| {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str("the worker failed"));
            })
        };
        worker.set_onerror(Some(on_error.unchecked_ref()));
        let on_timeout = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str("deadline"));
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.unchecked_ref(),
                TIMEOUT_MS as i32,
            );
        }
    });
    if let Err(e) = worker.post_message(&message) {
        worker.terminate();
        return Err(format!("cannot start the plugin: {e:?}"));
    }
    let data = JsFuture::from(answer).await.unwrap_or(JsValue::NULL);
    worker.terminate();
    match data.as_string().as_deref() {
        Some("deadline") => {
            return Err(format!("timeout: the call ran longer than {TIMEOUT_MS} ms"))
        }
        Some(other) => return Err(format!("trap: {other}")),
        None => {}
    }
    let field = |key: &str| Reflect::get(&data, &key.into()).ok();
    if field("ok").and_then(|v| v.as_bool()) == Some(true) {
        field("text")
            .and_then(|t| t.as_string())
            .ok_or_else(|| "bad output: no document".into())
    } else {
        Err(field("message")
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "trap: the plugin failed".into()))
    }
}
