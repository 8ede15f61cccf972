//! A gap question's text with a control in each gap (embedded answers, drag and drop into
//! text), for the candidate's paper and the editor's preview. Each gap is a labelled input,
//! drop-down, group of radio buttons or of checkboxes (multiple response) in the flow of the
//! text: it works by tapping on a phone
//! and with the keyboard and a screen reader alike, where dragging would not.

use crate::exam::dto::PaperGap;
use crate::exam::gaps::GapPick;
use crate::i18n::{t, Msg};
use leptos::prelude::*;

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
    let picks = StoredValue::new(start.clone());
    let set = move |g: usize, pick: Option<GapPick>| {
        picks.update_value(|p| {
            if let Some(slot) = p.get_mut(g) {
                *slot = pick;
            }
        });
        if let Some(cb) = on_change {
            cb.run(picks.get_value());
        }
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
                view! {
                    <select class="gap" aria-label=label disabled=disabled data-testid="gap"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set(g, (!v.is_empty()).then_some(GapPick::Choice(v)));
                        }>
                        <option value="">{move || format!("— {} —", t(Msg::GapChoose)())}</option>
                        {gap.options.into_iter().map(|(id, text)| {
                            let selected = sel.as_deref() == Some(id.as_str());
                            view! { <option value=id selected=selected>{text}</option> }
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
    view! { <div class="gap-text">{parts}</div> }
}
