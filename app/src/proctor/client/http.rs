//! POSTs to our own origin with the session cookie (fetch's default `same-origin` credentials).

use super::js;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Headers, RequestInit, Response};

/// The answer's status and text; Err when there was no answer at all (offline, server down).
pub async fn post(url: &str, headers: &[(&str, &str)], body: &JsValue) -> Result<(u16, String), ()> {
    let window = js::window().ok_or(())?;
    let h = Headers::new().map_err(|_| ())?;
    for (name, value) in headers {
        h.set(name, value).map_err(|_| ())?;
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_headers(&h);
    init.set_body(body);
    let response: Response = js::wait(window.fetch_with_str_and_init(url, &init)).await.map_err(|_| ())?.dyn_into().map_err(|_| ())?;
    let status = response.status();
    let text = match response.text() {
        Ok(p) => js::wait(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(_) => String::new(),
    };
    Ok((status, text))
}

/// A body of bytes (an image).
pub fn bytes_body(bytes: &[u8]) -> JsValue {
    js_sys::Uint8Array::from(bytes).into()
}
