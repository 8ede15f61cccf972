//! Inputs bound to the question editor's form, shared by the editor (`question_editor`) and the
//! rows of the kinds with editors of their own (`gap_editor`, `calculated_editor`).

use crate::exam::editor::QuestionForm;
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// A text input bound to one string of the form.
pub(super) fn text_input(
    form: RwSignal<QuestionForm>,
    label: String,
    read: impl Fn(&QuestionForm) -> Option<String> + Send + Sync + 'static,
    write: impl Fn(&mut QuestionForm, String) + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <input aria-label=label prop:value=move || form.with(|f| read(f).unwrap_or_default())
            on:input=move |ev| form.update(|f| write(f, event_target_value(&ev)))/>
    }
}

/// "Remove" for row `i` of a list of the form.
pub(super) fn remove_button(form: RwSignal<QuestionForm>, i: usize, remove: fn(&mut QuestionForm, usize)) -> impl IntoView {
    view! { <button type="button" class="small" on:click=move |_| form.update(|f| remove(f, i))>{t(Msg::RemoveRow)}</button> }
}
