//! The editor's parts for gap questions: embedded answers (a syntax sample and the gaps read
//! from the text as the teacher types, or the first problem with its gap's number) and drag and
//! drop into text (the choices with their group and "unlimited").

use super::editor_inputs::{remove_button, text_input};
use crate::exam::editor::{DragRow, QuestionForm};
use crate::exam::gaps::{parse_cloze, GapKind};
use crate::i18n::{t, use_locale, Msg};
use leptos::prelude::*;

/// Moodle's syntax, the same in every language (its codes are Moodle's).
const CLOZE_SAMPLE: &str = "{1:SHORTANSWER:=Астана#✓~%50%Ақмола} {2:MULTICHOICE:=Алматы~Шымкент~Түркістан} {1:NUMERICAL:=42:0.5}";

/// The syntax and what the text's gaps read as.
#[component]
pub fn ClozeHelp(form: RwSignal<QuestionForm>) -> impl IntoView {
    let locale = use_locale();
    let parsed = Memo::new(move |_| form.with(|f| parse_cloze(&f.text)));
    let kind_name = |k: GapKind| match k {
        GapKind::Short => "SHORTANSWER",
        GapKind::ShortCase => "SHORTANSWER_C",
        GapKind::Numerical => "NUMERICAL",
        GapKind::Dropdown => "MULTICHOICE",
        GapKind::Vertical => "MULTICHOICE_V",
        GapKind::Horizontal => "MULTICHOICE_H",
        GapKind::Checkboxes => "MULTIRESPONSE",
        GapKind::CheckboxesRow => "MULTIRESPONSE_H",
        GapKind::Drop => "",
    };
    view! {
        <fieldset>
            <legend>{t(Msg::ExamKindCloze)}</legend>
            <p class="hint">{t(Msg::ClozeHint)}</p>
            <p><code data-testid="cloze-sample">{CLOZE_SAMPLE}</code></p>
            <div role="status" data-testid="cloze-parse">
                {move || match parsed.get() {
                    Ok(cloze) => view! {
                        <p>{t(Msg::ClozeGapsFound)}": "{cloze.gaps.len()}</p>
                        <ol class="cloze-gaps">
                            {cloze.gaps.iter().map(|gap| {
                                let right: Vec<String> = gap.right_answers().iter().map(|a| a.text.clone()).collect();
                                view! { <li>{kind_name(gap.kind)}" ×"{gap.weight}": "{right.join(" / ")}</li> }
                            }).collect_view()}
                        </ol>
                    }.into_any(),
                    Err(e) => view! { <p class="error" data-testid="cloze-error">{move || e.text(locale.get())}</p> }.into_any(),
                }}
            </div>
        </fieldset>
    }
}

/// The choices of a drag and drop into text question: choice n is right for gap `[[n]]`.
#[component]
pub fn DragRows(form: RwSignal<QuestionForm>) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.drag_choices.len()));
    let row = move |i: usize| {
        let n = i + 1;
        view! {
            <tr data-testid="editor-drag-choice">
                <td class="narrow">"[["{n}"]]"</td>
                <td>{text_input(form, format!("{} {n}", t(Msg::DragChoices)()), move |f| f.drag_choices.get(i).map(|c| c.text.clone()), move |f, v| if let Some(c) = f.drag_choices.get_mut(i) { c.text = v })}</td>
                <td class="narrow">{text_input(form, format!("{} {n}", t(Msg::DragGroup)()), move |f| f.drag_choices.get(i).map(|c| c.group.clone()), move |f, v| if let Some(c) = f.drag_choices.get_mut(i) { c.group = v })}</td>
                <td>
                    <input type="checkbox" aria-label=format!("{} {n}", t(Msg::DragUnlimited)())
                        prop:checked=move || form.with(|f| f.drag_choices.get(i).is_some_and(|c| c.unlimited))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(|f| if let Some(c) = f.drag_choices.get_mut(i) { c.unlimited = on });
                        }/>
                </td>
                <td>{remove_button(form, i, |f, i| { if i < f.drag_choices.len() { f.drag_choices.remove(i); } })}</td>
            </tr>
        }
    };
    view! {
        <fieldset>
            <legend>{t(Msg::DragChoices)}</legend>
            <p class="hint">{t(Msg::DragTextHint)}</p>
            <table class="list editor-rows">
                <thead><tr>
                    <th></th><th>{t(Msg::DragChoices)}</th><th>{t(Msg::DragGroup)}</th><th>{t(Msg::DragUnlimited)}</th><th></th>
                </tr></thead>
                <tbody>{move || (0..count.get()).map(row).collect_view()}</tbody>
            </table>
            <p><button type="button" class="small" data-testid="editor-add"
                on:click=move |_| form.update(|f| f.drag_choices.push(DragRow::default()))>{t(Msg::AddRow)}</button></p>
        </fieldset>
    }
}
