//! The page: a Yew app rendered in the browser. Natively this binary only says so; the
//! logic it presents lives in the library and is tested there.

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
    yew::Renderer::<components::app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kubecheck-web runs in the browser: build it with scripts/build-web.sh, then run `kubecheck serve`");
    std::process::exit(2);
}
