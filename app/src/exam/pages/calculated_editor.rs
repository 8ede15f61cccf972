//! The calculated question's part of the bank's editor (issue 19): its variables (kept in step
//! with the text's `{wildcards}`), answer formulas and unit, over
//! [`crate::exam::calculated_form::CalculatedForm`]; and, under the preview, the right answer
//! for the values the preview drew, which only the teacher sees.

use super::editor_inputs::{remove_button, text_input};
use crate::error::AppError;
use crate::exam::calculated::{AnswerDisplay, ToleranceKind};
use crate::exam::calculated_form::{FormulaRow, VariableRow};
use crate::exam::editor::QuestionForm;
use crate::i18n::{t, Msg};
use crate::ui::SelectError;
use leptos::prelude::*;

/// The functions a formula may use, for the hint (Moodle's names; see exam::calculated).
const FUNCTIONS: &str = "pi(), abs, sqrt, pow, exp, log, log10, log1p, expm1, sin, cos, tan, asin, acos, atan, atan2, sinh, cosh, tanh, \
                         asinh, acosh, atanh, deg2rad, rad2deg, floor, ceil, round, fmod, min, max";

#[component]
pub fn CalculatedRows(form: RwSignal<QuestionForm>, error: Signal<Option<AppError>>) -> impl IntoView {
    // A row for every wildcard the text has, as the teacher types it. The effect follows the
    // text only (a memo), so its own update of the form does not run it again.
    let text = Memo::new(move |_| form.with(|f| f.text.clone()));
    Effect::new(move |_| {
        let text = text.get();
        form.update(|f| f.calculated.take_variables_from(&text));
    });
    let variables = Memo::new(move |_| form.with(|f| f.calculated.variables.len()));
    let formulas = Memo::new(move |_| form.with(|f| f.calculated.formulas.len()));
    let variable = move |i: usize| {
        let n = i + 1;
        let cell = move |label: Msg, read: fn(&VariableRow) -> String, write: fn(&mut VariableRow, String)| {
            text_input(
                form,
                format!("{} {n}", t(label)()),
                move |f| f.calculated.variables.get(i).map(read),
                move |f, v| {
                    if let Some(row) = f.calculated.variables.get_mut(i) {
                        write(row, v)
                    }
                },
            )
        };
        view! {
            <tr data-testid="editor-variable">
                <td class="narrow">{cell(Msg::CalcVariableName, |r| r.name.clone(), |r, v| r.name = v)}</td>
                <td class="narrow">{cell(Msg::CalcMin, |r| r.min.clone(), |r, v| r.min = v)}</td>
                <td class="narrow">{cell(Msg::CalcMax, |r| r.max.clone(), |r, v| r.max = v)}</td>
                <td class="narrow">{cell(Msg::CalcDecimals, |r| r.decimals.clone(), |r, v| r.decimals = v)}</td>
                <td>{cell(Msg::CalcValues, |r| r.values.clone(), |r, v| r.values = v)}</td>
                <td>{remove_button(form, i, |f, i| { if i < f.calculated.variables.len() { f.calculated.variables.remove(i); } })}</td>
            </tr>
        }
    };
    let formula = move |i: usize| {
        let n = i + 1;
        let cell = move |label: Msg, read: fn(&FormulaRow) -> String, write: fn(&mut FormulaRow, String)| {
            text_input(
                form,
                format!("{} {n}", t(label)()),
                move |f| f.calculated.formulas.get(i).map(read),
                move |f, v| {
                    if let Some(row) = f.calculated.formulas.get_mut(i) {
                        write(row, v)
                    }
                },
            )
        };
        let kind_code = move || match form.with(|f| f.calculated.formulas.get(i).map(|r| r.tolerance_kind)) {
            Some(ToleranceKind::Nominal) => "nominal",
            Some(ToleranceKind::Geometric) => "geometric",
            _ => "relative",
        };
        let display_code = move || match form.with(|f| f.calculated.formulas.get(i).map(|r| r.display)) {
            Some(AnswerDisplay::Significant) => "significant",
            _ => "decimals",
        };
        view! {
            <tr data-testid="editor-formula">
                <td>{cell(Msg::CalcFormula, |r| r.formula.clone(), |r, v| r.formula = v)}</td>
                <td class="narrow">{cell(Msg::SharePercent, |r| r.share.clone(), |r, v| r.share = v)}</td>
                <td class="narrow">{cell(Msg::Tolerance, |r| r.tolerance.clone(), |r, v| r.tolerance = v)}</td>
                <td>
                    <select aria-label=format!("{} {n}", t(Msg::CalcToleranceKind)()) prop:value=kind_code
                        on:change=move |ev| {
                            let kind = match event_target_value(&ev).as_str() {
                                "nominal" => ToleranceKind::Nominal,
                                "geometric" => ToleranceKind::Geometric,
                                _ => ToleranceKind::Relative,
                            };
                            form.update(|f| if let Some(r) = f.calculated.formulas.get_mut(i) { r.tolerance_kind = kind });
                        }>
                        <option value="relative">{t(Msg::CalcRelative)}</option>
                        <option value="nominal">{t(Msg::CalcNominal)}</option>
                        <option value="geometric">{t(Msg::CalcGeometric)}</option>
                    </select>
                </td>
                <td class="narrow">{cell(Msg::CalcDisplay, |r| r.length.clone(), |r, v| r.length = v)}</td>
                <td>
                    <select aria-label=format!("{} {n}", t(Msg::CalcDisplay)()) prop:value=display_code
                        on:change=move |ev| {
                            let display = if event_target_value(&ev) == "significant" { AnswerDisplay::Significant } else { AnswerDisplay::Decimals };
                            form.update(|f| if let Some(r) = f.calculated.formulas.get_mut(i) { r.display = display });
                        }>
                        <option value="decimals">{t(Msg::CalcDisplayDecimals)}</option>
                        <option value="significant">{t(Msg::CalcDisplaySignificant)}</option>
                    </select>
                </td>
                <td>{cell(Msg::AnswerFeedback, |r| r.feedback.clone(), |r, v| r.feedback = v)}</td>
                <td>{remove_button(form, i, |f, i| { if i < f.calculated.formulas.len() { f.calculated.formulas.remove(i); } })}</td>
            </tr>
        }
    };
    view! {
        <fieldset>
            <legend>{t(Msg::CalcVariables)}</legend>
            <small class="hint">{t(Msg::CalcVariablesHint)}</small>
            <table class="list editor-rows">
                <thead><tr>
                    <th>{t(Msg::CalcVariableName)}</th><th>{t(Msg::CalcMin)}</th><th>{t(Msg::CalcMax)}</th>
                    <th>{t(Msg::CalcDecimals)}</th><th>{t(Msg::CalcValues)}</th><th></th>
                </tr></thead>
                <tbody>{move || (0..variables.get()).map(variable).collect_view()}</tbody>
            </table>
            <p><button type="button" class="small" data-testid="editor-add-variable"
                on:click=move |_| form.update(|f| f.calculated.variables.push(VariableRow::default()))>{t(Msg::AddRow)}</button></p>
            <SelectError error=error field="variables"/>
        </fieldset>
        <fieldset>
            <legend>{t(Msg::CalcFormulas)}</legend>
            <table class="list editor-rows">
                <thead><tr>
                    <th>{t(Msg::CalcFormula)}</th><th>{t(Msg::SharePercent)}</th><th>{t(Msg::Tolerance)}</th>
                    <th>{t(Msg::CalcToleranceKind)}</th><th colspan="2">{t(Msg::CalcDisplay)}</th><th>{t(Msg::AnswerFeedback)}</th><th></th>
                </tr></thead>
                <tbody>{move || (0..formulas.get()).map(formula).collect_view()}</tbody>
            </table>
            <small class="hint">{move || t(Msg::CalcFormulaHint)().replace("{functions}", FUNCTIONS)}" "{t(Msg::ShareHint)}</small>
            <p><button type="button" class="small" data-testid="editor-add"
                on:click=move |_| form.update(|f| f.calculated.formulas.push(FormulaRow::default()))>{t(Msg::AddRow)}</button></p>
            <div class="field">
                <label for="f-unit">{t(Msg::CalcUnit)}</label>
                <input id="f-unit" class="narrow" data-testid="editor-unit" prop:value=move || form.with(|f| f.calculated.unit.clone())
                    on:input=move |ev| form.update(|f| f.calculated.unit = event_target_value(&ev))/>
            </div>
        </fieldset>
    }
}

/// Under the preview: the right answers for the values it drew (the teacher's eyes only: the
/// editor is the bank owner's page), and a button to draw other values.
#[component]
pub fn CalculatedPreviewAnswer(form: RwSignal<QuestionForm>, seed: RwSignal<u64>) -> impl IntoView {
    let answers = Memo::new(move |_| {
        let seed = seed.get();
        form.with(|f| f.to_question().ok()).and_then(|q| q.calculated).map(|c| c.right_answers(seed))
    });
    view! {
        <p class="hint" data-testid="editor-preview-answer">
            {t(Msg::CalcPreviewAnswer)}": "
            <strong>{move || answers.get().map(|a| a.join("; ")).unwrap_or_default()}</strong>" "
            <button type="button" class="small" on:click=move |_| seed.update(|s| *s = s.wrapping_add(1))>{t(Msg::CalcOtherValues)}</button>
        </p>
    }
}
