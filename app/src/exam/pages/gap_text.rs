//! A gap question's text with a control in each gap (embedded answers, drag and drop into
//! text), for the candidate's paper and the editor's preview. Each gap is a labelled input,
//! drop-down, group of radio buttons or of checkboxes (multiple response) in the flow of the
//! text: it works by tapping on a phone
//! and with the keyboard and a screen reader alike, where dragging would not.
//!
//! A drag and drop choice not marked "unlimited" fills one gap at a time, as in Moodle, where
//! dropping it into another gap takes it out of the first. Here each list names such a choice
//! with the gap that holds it ("fox (in gap 1)"), so the candidate knows before picking it;
//! picked, it moves: the other gap is emptied, and a status line (read out by a screen
//! reader) says so. Disabling the option instead would leave a keyboard user no way to move a
//! choice but to find and clear the first gap.

use crate::exam::dto::PaperGap;
use crate::exam::gaps::GapPick;
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};

/// "Gap 2" in the interface's language.
fn gap_label(g: usize) -> String {
    t(Msg::GapNumber)().replace("{n}", &(g + 1).to_string())
}

/// The text and its gaps. `saved` is what was answered so far (per gap); `on_change` gets
/// every gap's answer after each change; without it (the preview) the controls are disabled.
#[component]
pub fn GapText(
    /// Names the controls apart on a page of several questions.
    name: String,
    pieces: Vec<String>,
    gaps: Vec<PaperGap>,
    saved: Vec<Option<GapPick>>,
    #[prop(optional)] on_change: Option<Callback<Vec<Option<GapPick>>>>,
) -> impl IntoView {
    let disabled = on_change.is_none();
    let mut start = saved;
    start.resize(gaps.len(), None);
    let picks = RwSignal::new(start.clone());
    // Choices that fill one gap at a time (by id, the same in every gap), and every choice's text.
    let single_use: HashSet<String> = gaps.iter().flat_map(|g| g.single_use.iter().cloned()).collect();
    let moves = !single_use.is_empty();
    let single_use = StoredValue::new(single_use);
    let texts: HashMap<String, String> = gaps.iter().flat_map(|g| g.options.iter().cloned()).collect();
    let texts = StoredValue::new(texts);
    // The last move: the choice's text and the gap it left.
    let moved = RwSignal::new(None::<(String, usize)>);
    let set = move |g: usize, pick: Option<GapPick>| {
        let mut left = None;
        picks.update(|p| {
            if let Some(GapPick::Choice(id)) = &pick {
                if single_use.with_value(|s| s.contains(id)) {
                    for (h, slot) in p.iter_mut().enumerate() {
                        if h != g && slot.as_ref() == pick.as_ref() {
                            *slot = None;
                            left = Some((texts.with_value(|t| t.get(id).cloned().unwrap_or_default()), h));
                        }
                    }
                }
            }
            if let Some(slot) = p.get_mut(g) {
                *slot = pick;
            }
        });
        moved.set(left);
        if let Some(cb) = on_change {
            cb.run(picks.get_untracked());
        }
    };
    // The gap (other than `g`) that holds single-use choice `id` now.
    let held_elsewhere = move |g: usize, id: &str| {
        if !single_use.with_value(|s| s.contains(id)) {
            return None;
        }
        picks
            .with(|p| p.iter().enumerate().find(|(h, slot)| *h != g && matches!(slot, Some(GapPick::Choice(c)) if c == id)).map(|(h, _)| h))
    };
    let control = move |g: usize, gap: PaperGap| {
        // Read when drawn and again when the language changes (a component's body is not
        // tracked, so a text read there would stay in the first language).
        let label = move || gap_label(g);
        let current = start.get(g).cloned().flatten();
        match gap.kind.as_str() {
            "select" => {
                let sel = match &current {
                    Some(GapPick::Choice(id)) => Some(id.clone()),
                    _ => None,
                };
                // The list follows the picks: a choice moved out of this gap empties it.
                let value = move || match picks.with(|p| p.get(g).cloned().flatten()) {
                    Some(GapPick::Choice(id)) => id,
                    _ => String::new(),
                };
                view! {
                    <select class="gap" aria-label=label disabled=disabled data-testid="gap" prop:value=value
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set(g, (!v.is_empty()).then_some(GapPick::Choice(v)));
                        }>
                        <option value="">{move || format!("— {} —", t(Msg::GapChoose)())}</option>
                        {gap.options.into_iter().map(|(id, text)| {
                            let selected = sel.as_deref() == Some(id.as_str());
                            let shown = {
                                let id = id.clone();
                                move || match held_elsewhere(g, &id) {
                                    Some(h) => format!("{text} ({})", t(Msg::GapChoiceIn)().replace("{n}", &(h + 1).to_string())),
                                    None => text.clone(),
                                }
                            };
                            view! { <option value=id selected=selected>{shown}</option> }
                        }).collect_view()}
                    </select>
                }
                .into_any()
            }
            "vertical" | "horizontal" => {
                let sel = match &current {
                    Some(GapPick::Choice(id)) => Some(id.clone()),
                    _ => None,
                };
                let group = format!("{name}-gap{g}");
                let class = if gap.kind == "vertical" { "gap gap-radios vertical" } else { "gap gap-radios" };
                view! {
                    <span class=class role="radiogroup" aria-label=label data-testid="gap">
                        {gap.options.into_iter().map(|(id, text)| {
                            let checked = sel.as_deref() == Some(id.as_str());
                            let value = id.clone();
                            view! {
                                <label>
                                    <input type="radio" name=group.clone() value=value checked=checked disabled=disabled
                                        on:change=move |_| set(g, Some(GapPick::Choice(id.clone())))/>
                                    " "{text}
                                </label>
                            }
                        }).collect_view()}
                    </span>
                }
                .into_any()
            }
            "checkboxes" | "checkboxes-row" => {
                let ticked = StoredValue::new(match &current {
                    Some(GapPick::Choices(ids)) => ids.clone(),
                    _ => Vec::new(),
                });
                let class = if gap.kind == "checkboxes" { "gap gap-radios vertical" } else { "gap gap-radios" };
                view! {
                    <span class=class role="group" aria-label=label data-testid="gap">
                        {gap.options.into_iter().map(|(id, text)| {
                            let checked = ticked.with_value(|t| t.contains(&id));
                            let value = id.clone();
                            view! {
                                <label>
                                    <input type="checkbox" value=value checked=checked disabled=disabled
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            ticked.update_value(|t| {
                                                t.retain(|x| *x != id);
                                                if on {
                                                    t.push(id.clone());
                                                }
                                            });
                                            let now = ticked.get_value();
                                            set(g, (!now.is_empty()).then_some(GapPick::Choices(now)));
                                        }/>
                                    " "{text}
                                </label>
                            }
                        }).collect_view()}
                    </span>
                }
                .into_any()
            }
            kind => {
                let value = match &current {
                    Some(GapPick::Text(s)) => s.clone(),
                    _ => String::new(),
                };
                let mode = if kind == "number" { "decimal" } else { "text" };
                view! {
                    <input class="gap" size=gap.size.max(4) aria-label=label inputmode=mode value=value disabled=disabled data-testid="gap"
                        autocomplete="off" spellcheck="false"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set(g, (!v.trim().is_empty()).then_some(GapPick::Text(v)));
                        }/>
                }
                .into_any()
            }
        }
    };
    let mut parts = Vec::new();
    let mut pieces = pieces.into_iter();
    for (g, gap) in gaps.into_iter().enumerate() {
        parts.push(view! { <span>{pieces.next().unwrap_or_default()}</span> }.into_any());
        parts.push(control(g, gap));
    }
    parts.push(view! { <span>{pieces.collect::<Vec<_>>().concat()}</span> }.into_any());
    let moved_text = move || {
        moved.get().map(|(choice, from)| t(Msg::GapChoiceMoved)().replace("{choice}", &choice).replace("{from}", &(from + 1).to_string()))
    };
    view! {
        <div class="gap-text">{parts}</div>
        // There from the start, so a screen reader hears what is put in it.
        {moves.then(|| view! { <p class="hint gap-moved" role="status" data-testid="gap-moved">{moved_text}</p> })}
    }
}
