//! Browser entry point: attaches the wasm app to the server-rendered HTML (hydration).

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous hydration: it can wait for a page whose code loads on demand (lazy routes,
    // issue 15) before it walks the server's HTML, and it says when it is done.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
        let app = leptos::mount::hydrate_from_async(body, app::App).await;
        app.forget();
        // The page now answers clicks and forms in the browser. Browser tests and the weight
        // benchmark (its time) wait for these marks.
        let Some(window) = web_sys::window() else { return };
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-hydrated", "");
        }
        if let Some(performance) = window.performance() {
            let _ = performance.mark("talap-hydrated");
        }
    });
}
