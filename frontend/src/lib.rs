//! Browser entry point: attaches the wasm app to the server-rendered HTML (hydration).

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Synchronous: no page loads its code on demand (the wasm split is not on `main`, see
    // BENCHMARKS.md), so there is nothing to wait for. Leptos' asynchronous hydration would be
    // needed then; it adds no size, its code is in the wasm either way (measured 2026-12-04).
    // The `candidate` feature builds the candidate's bundle (see `app::CandidateApp`): only
    // the pages of signing in and sitting an exam are reachable from it, so only they are in it.
    #[cfg(not(feature = "candidate"))]
    leptos::mount::hydrate_body(app::App);
    #[cfg(feature = "candidate")]
    leptos::mount::hydrate_body(app::CandidateApp);
    // The page now answers clicks and forms in the browser. Browser tests and the weight
    // benchmark (its time) wait for these marks.
    let Some(window) = web_sys::window() else { return };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-hydrated", "");
    }
    if let Some(performance) = window.performance() {
        let _ = performance.mark("talap-hydrated");
    }
}
