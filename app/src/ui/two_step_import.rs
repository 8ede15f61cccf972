//! A file import in two steps, as every import of a list works here (the olympiad's results,
//! a college's students): "Preview" sends the file with `dry_run` and shows what would change,
//! or every broken cell by row and column; only a preview that would change something enables
//! the second button, which sends the same file to be written. Changing the file or any other
//! field of the form clears the preview, so what is written is always what was previewed.

use crate::error::{AppError, FieldError};
use crate::i18n::{t, use_locale, Msg};
use leptos::prelude::*;
use leptos::server_fn::codec::MultipartData;
use std::future::Future;

/// What an import answers, previewed or written.
pub trait ImportOutcome: Clone + Send + Sync + 'static {
    fn dry_run(&self) -> bool;
    /// How many things the file would change (a preview of 0 has nothing to write).
    fn changes(&self) -> u32;
}

/// The form: the caller's fields (`children`: hidden ids, a select, the file input), then
/// "Preview" and the button that writes. `send` is the import's server function (multipart);
/// `result` holds its last answer, for the caller to show; `imported` counts the imports
/// written, so the page can reload what they changed.
#[component]
pub fn TwoStepImport<R, F, Fut>(
    send: F,
    result: RwSignal<Option<Result<R, AppError>>>,
    imported: RwSignal<u32>,
    /// The second button: "Import", "Apply".
    apply: Msg,
    #[prop(into)] testid: String,
    children: Children,
) -> impl IntoView
where
    R: ImportOutcome,
    F: Fn(MultipartData) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<R, AppError>> + 'static,
{
    let busy = RwSignal::new(false);
    // Which button sent the form (its click comes before the submit event).
    let write = RwSignal::new(false);
    let previewed = move || matches!(result.get(), Some(Ok(ref r)) if r.dry_run() && r.changes() > 0);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(not(feature = "hydrate"))]
        let _ = (send, imported, write);
        #[cfg(feature = "hydrate")]
        {
            let Some(data) = super::form_data(&ev) else { return };
            let dry_run = !write.get_untracked();
            let _ = data.set_with_str("dry_run", if dry_run { "true" } else { "false" });
            busy.set(true);
            leptos::task::spawn_local(async move {
                let r = send(data.into()).await;
                if matches!(r, Ok(ref r) if !r.dry_run()) {
                    imported.update(|n| *n += 1);
                }
                result.set(Some(r));
                busy.set(false);
            });
        }
    };
    view! {
        // `change` bubbles from every field of the form: any change clears the preview.
        <form class="row-form" on:submit=on_submit on:change=move |_| result.set(None) data-testid=testid>
            {children()}
            <button type="submit" disabled=move || busy.get() on:click=move |_| write.set(false)>{t(Msg::OlyPreview)}</button>
            <button type="submit" class="primary" disabled=move || busy.get() || !previewed() on:click=move |_| write.set(true)>{t(apply)}</button>
        </form>
    }
}

/// The refused file: "nothing changed" and every broken cell as "Row N, column: why", in the
/// reader's language (`column` names a file's column by its field name).
#[component]
pub fn ImportErrors(errors: Vec<FieldError>, column: fn(&str) -> Option<Msg>, #[prop(into)] testid: String) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="banner error" role="alert" data-testid=testid>
            <p>{t(Msg::KtpFileRefused)}</p>
            <ul>{errors.into_iter().map(|e| view! { <li>{move || super::row_error(&e.field, e.msg, locale.get(), column)}</li> }).collect_view()}</ul>
        </div>
    }
}
