//! The few browser APIs the page uses, behind small functions. Failures here (storage
//! disabled, no clipboard) degrade a feature and never stop the page.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, FileList, HtmlAnchorElement, Url};

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn storage_get(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

pub fn storage_set(key: &str, value: &str) {
    if let Some(storage) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(key, value);
    }
}

pub fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Puts `fragment` in the address bar without a navigation or a history entry, and
/// returns the whole link.
pub fn set_hash(fragment: &str) -> Option<String> {
    let window = window()?;
    let location = window.location();
    let link = format!(
        "{}{}#{fragment}",
        location.origin().ok()?,
        location.pathname().ok()?
    );
    window
        .history()
        .ok()?
        .replace_state_with_url(&JsValue::NULL, "", Some(&link))
        .ok()?;
    Some(link)
}

/// Copies `text` to the clipboard where the browser allows it (secure contexts).
pub fn copy_to_clipboard(text: &str) {
    let Some(navigator) = window().map(|w| w.navigator()) else {
        return;
    };
    let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok();
    let write = clipboard.as_ref().and_then(|c| {
        js_sys::Reflect::get(c, &"writeText".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()
    });
    if let (Some(clipboard), Some(write)) = (clipboard, write) {
        let _ = write.call1(&clipboard, &text.into());
    }
}

/// `performance.now()`, in the page or in a worker.
pub fn now_ms() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into())
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

pub fn set_theme(theme: &str) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// Saves `contents` as a file through a temporary `blob:` link.
pub fn download(file_name: &str, mime: &str, contents: &str) {
    let Some(document) = window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&contents.into());
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(link) = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<HtmlAnchorElement>().ok())
    {
        link.set_href(&url);
        link.set_download(file_name);
        link.click();
    }
    let _ = Url::revoke_object_url(&url);
}

/// The manifests among `files` (a picked folder holds other files too).
pub fn manifest_files(files: &FileList) -> Vec<File> {
    (0..files.length())
        .filter_map(|i| files.get(i))
        .filter(|f| {
            let name = f.name().to_ascii_lowercase();
            files.length() == 1
                || [".yaml", ".yml", ".json"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
        })
        .collect()
}

/// Reads `files` into one text: several files become one multi-document stream, each
/// headed by a comment naming its file.
pub async fn read_files(files: Vec<File>) -> Result<String, String> {
    let many = files.len() > 1;
    let mut out = String::new();
    for file in files {
        let text = JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string())
            .ok_or_else(|| format!("could not read `{}`", file.name()))?;
        if many {
            // The path inside a picked folder; web-sys does not bind it.
            let path = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                .ok()
                .and_then(|p| p.as_string())
                .filter(|p| !p.is_empty());
            let name = path.unwrap_or_else(|| file.name());
            if !out.is_empty() {
                out.push_str("---\n");
            }
            out.push_str(&format!("# file: {name}\n"));
        }
        out.push_str(&text);
        if many && !text.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}
