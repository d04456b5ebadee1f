//! The page: a Yew app rendered in the browser. Natively this binary only says so; the
//! logic it presents lives in the library and is tested there.

#[cfg(target_arch = "wasm32")]
mod check_worker;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod state;
#[cfg(target_arch = "wasm32")]
mod worker;

#[cfg(target_arch = "wasm32")]
fn main() {
    // The check worker loads this same module: there is no window there and nothing to
    // render, only `check_worker::answer_check_request` to answer.
    if web_sys::window().is_none() {
        return;
    }
    yew::Renderer::<components::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kubecheck-web runs in the browser: build it with scripts/build-web.sh, then run `kubecheck serve`");
    std::process::exit(2);
}
