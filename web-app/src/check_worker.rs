//! The check worker (`check-worker.js`, a module worker that loads this same module and
//! wasm): the page sends it [`Request`]s and gets [`Reply`]s, so a check never holds up
//! typing. Inside the worker, [`answer_check_request`] answers with the library's
//! [`Checker`].

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use kubecheck_web::checker::{Checker, Reply, Request};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::dom;

thread_local! {
    /// The worker's checker: it keeps the last check's parse between requests.
    static CHECKER: RefCell<Checker> = RefCell::default();
}

/// Called by `check-worker.js` for each message: a [`Request`] in JSON, a [`Reply`] out.
#[wasm_bindgen]
pub fn answer_check_request(request: &str) -> String {
    CHECKER.with(|checker| checker.borrow_mut().answer_json(request, dom::now_ms))
}

/// The page's handle on the worker. At most one check is in flight: while it runs, a new
/// check waits, and a newer one replaces it, so a burst of edits never queues up checks
/// whose answers would be dropped anyway.
#[derive(Clone)]
pub struct CheckWorker(Rc<Inner>);

struct Inner {
    worker: Worker,
    checking: Cell<bool>,
    waiting: RefCell<Option<String>>,
}

impl Inner {
    fn post(&self, text: String) {
        let _ = self.worker.post_message(&text.into());
    }
}

impl CheckWorker {
    /// Starts the worker; `on_reply` gets each of its replies, in the order sent.
    pub fn start(on_reply: impl Fn(Reply) + 'static) -> Result<CheckWorker, String> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("check-worker.js", &options)
            .map_err(|e| format!("cannot start the check worker: {e:?}"))?;
        let inner = Rc::new(Inner {
            worker,
            checking: Cell::new(false),
            waiting: RefCell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(reply) = e
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<Reply>(&text).ok())
            else {
                return;
            };
            if let (Reply::Checked(_) | Reply::Stale, Some(inner)) = (&reply, weak.upgrade()) {
                match inner.waiting.borrow_mut().take() {
                    Some(next) => inner.post(next),
                    None => inner.checking.set(false),
                }
            }
            on_reply(reply);
        });
        inner
            .worker
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The worker answers for as long as the page is open.
        on_message.forget();
        Ok(CheckWorker(inner))
    }

    pub fn send(&self, request: &Request) {
        let Ok(text) = serde_json::to_string(request) else {
            return;
        };
        if matches!(request, Request::Check { .. }) && self.0.checking.replace(true) {
            *self.0.waiting.borrow_mut() = Some(text);
            return;
        }
        self.0.post(text);
    }
}

impl PartialEq for CheckWorker {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
