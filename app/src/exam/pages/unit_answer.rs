//! A numerical answer with units on the candidate's paper and in the editor's preview: the
//! number box with the units' select beside it (before or after, as the question says), or,
//! when the unit is typed with the number, a hint under the box that a screen reader reads with
//! it. One text is sent either way ("2,5 см"), which the server reads as if typed whole
//! (`units::split`), so a reload and the review show it as it was.

use crate::exam::units::PaperUnits;
use crate::i18n::{t, Msg};
use leptos::prelude::*;

/// The box (and select) for a numerical answer with units. `labelled_by` is the stem's id;
/// without `on_change` it is shown disabled (the preview).
#[component]
pub fn NumberWithUnit(
    name: String,
    labelled_by: String,
    units: PaperUnits,
    saved: String,
    #[prop(optional)] on_change: Option<Callback<String>>,
) -> impl IntoView {
    let disabled = on_change.is_none();
    if units.choices.is_empty() {
        let hint_id = format!("{name}-unit-hint");
        let hint = match (units.graded, units.left) {
            (false, _) => Msg::UnitHintOptional,
            (true, false) => Msg::UnitHintRequiredAfter,
            (true, true) => Msg::UnitHintRequiredBefore,
        };
        return view! {
            <span class="numeric-answer">
                <input class="answer" name=name value=saved aria-labelledby=labelled_by aria-describedby=hint_id.clone()
                    disabled=disabled data-testid="unit-answer"
                    on:change=move |ev| {
                        if let Some(send) = on_change {
                            send.run(event_target_value(&ev));
                        }
                    }/>
                " "<small class="hint unit-hint" id=hint_id data-testid="unit-hint">{t(hint)}</small>
            </span>
        }
        .into_any();
    }
    let (number_shown, unit_shown) = units.split_saved(&saved);
    let number = StoredValue::new(number_shown.clone());
    let unit = StoredValue::new(unit_shown.clone());
    let left = units.left;
    let paper = StoredValue::new(units.clone());
    let send = move || {
        if let Some(send) = on_change {
            send.run(paper.with_value(|p| p.join(&number.get_value(), &unit.get_value())));
        }
    };
    let select = view! {
        <select class="unit-select" name=format!("{name}-unit") aria-label=move || t(Msg::CalcUnit)() disabled=disabled data-testid="unit-select"
            on:change=move |ev| {
                unit.set_value(event_target_value(&ev));
                send();
            }>
            <option value="">"—"</option>
            {units.choices.iter().map(|c| view! { <option value=c.clone() selected=*c == unit_shown>{c.clone()}</option> }).collect_view()}
        </select>
    };
    let input = view! {
        <input class="answer" name=name value=number_shown inputmode="decimal" aria-labelledby=labelled_by disabled=disabled data-testid="unit-answer"
            on:change=move |ev| {
                number.set_value(event_target_value(&ev));
                send();
            }/>
    };
    if left {
        view! { <span class="numeric-answer">{select}" "{input}</span> }.into_any()
    } else {
        view! { <span class="numeric-answer">{input}" "{select}</span> }.into_any()
    }
}
