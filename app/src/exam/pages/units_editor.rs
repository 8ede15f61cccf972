//! The units of a numerical question in the bank's editor (issue 19): how units are handled,
//! the units table (name, multiplier; rows added and removed) and, when units are in use, how
//! the candidate gives one and what a missing one costs. Problems show at the fieldset
//! (`units_form::field_of` places them there).

use super::editor_inputs::{remove_button, text_input};
use crate::error::AppError;
use crate::exam::editor::QuestionForm;
use crate::exam::units::{PenaltyOf, UnitInput, UnitRole};
use crate::exam::units_form::UnitRow;
use crate::i18n::{t, Msg};
use crate::ui::SelectError;
use leptos::prelude::*;

#[component]
pub fn UnitRows(form: RwSignal<QuestionForm>, error: Signal<Option<AppError>>) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.units.rows.len()));
    let role = Memo::new(move |_| form.with(|f| f.units.role));
    let start = form.with_untracked(|f| f.units.clone());
    let row = move |i: usize| {
        let n = i + 1;
        view! {
            <tr data-testid="editor-unit">
                <td>{text_input(form, format!("{} {n}", t(Msg::CalcUnit)()), move |f| f.units.rows.get(i).map(|r| r.name.clone()), move |f, v| if let Some(r) = f.units.rows.get_mut(i) { r.name = v })}</td>
                <td class="narrow">{text_input(form, format!("{} {n}", t(Msg::UnitMultiplier)()), move |f| f.units.rows.get(i).map(|r| r.multiplier.clone()), move |f, v| if let Some(r) = f.units.rows.get_mut(i) { r.multiplier = v })}</td>
                <td>{remove_button(form, i, |f, i| { if i < f.units.rows.len() { f.units.rows.remove(i); } })}</td>
            </tr>
        }
    };
    view! {
        <fieldset data-testid="editor-units" class:invalid=move || crate::ui::field_error(error, "units").get().is_some()>
            <legend>{t(Msg::Units)}</legend>
            <div class="field">
                <label for="f-unit-role">{t(Msg::UnitHandling)}</label>
                <select id="f-unit-role" data-testid="editor-unit-role" on:change=move |ev| {
                    if let Some(r) = UnitRole::ALL.into_iter().find(|r| r.code() == event_target_value(&ev)) {
                        form.update(|f| f.units.role = r);
                    }
                }>
                    {UnitRole::ALL.into_iter().map(|r| view! { <option value=r.code() selected=r == start.role>{t(r.msg())}</option> }).collect_view()}
                </select>
            </div>
            <table class="list editor-rows">
                <thead><tr><th>{t(Msg::CalcUnit)}</th><th>{t(Msg::UnitMultiplier)}</th><th></th></tr></thead>
                <tbody>{move || (0..count.get()).map(row).collect_view()}</tbody>
            </table>
            <small class="hint">{t(Msg::UnitsHint)}</small>
            <p><button type="button" class="small" data-testid="editor-add-unit"
                on:click=move |_| form.update(|f| f.units.rows.push(UnitRow::default()))>{t(Msg::AddRow)}</button></p>
            {move || (role.get() != UnitRole::NotUsed).then(|| view! {
                <div class="field">
                    <label for="f-unit-input">{t(Msg::UnitInputLabel)}</label>
                    <select id="f-unit-input" data-testid="editor-unit-input" on:change=move |ev| {
                        if let Some(i) = UnitInput::ALL.into_iter().find(|i| i.code() == event_target_value(&ev)) {
                            form.update(|f| f.units.input = i);
                        }
                    }>
                        {UnitInput::ALL.into_iter().map(|i| view! {
                            <option value=i.code() selected=move || form.with_untracked(|f| f.units.input) == i>{t(i.msg())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <label class="option">
                    <input type="checkbox" data-testid="editor-units-left" prop:checked=move || form.with(|f| f.units.left)
                        on:change=move |ev| form.update(|f| f.units.left = event_target_checked(&ev))/>
                    " "{t(Msg::UnitsLeft)}
                </label>
            })}
            {move || (role.get() == UnitRole::Graded).then(|| view! {
                <div class="field">
                    <label for="f-unit-penalty">{t(Msg::UnitPenalty)}</label>
                    <input id="f-unit-penalty" inputmode="decimal" data-testid="editor-unit-penalty"
                        prop:value=move || form.with(|f| f.units.penalty.clone())
                        on:input=move |ev| form.update(|f| f.units.penalty = event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="f-unit-penalty-of">{t(Msg::UnitPenaltyOf)}</label>
                    <select id="f-unit-penalty-of" data-testid="editor-unit-penalty-of" on:change=move |ev| {
                        if let Some(p) = PenaltyOf::ALL.into_iter().find(|p| p.code() == event_target_value(&ev)) {
                            form.update(|f| f.units.penalty_of = p);
                        }
                    }>
                        {PenaltyOf::ALL.into_iter().map(|p| view! {
                            <option value=p.code() selected=move || form.with_untracked(|f| f.units.penalty_of) == p>{t(p.msg())}</option>
                        }).collect_view()}
                    </select>
                </div>
            })}
            <SelectError error=error field="units"/>
        </fieldset>
    }
}
