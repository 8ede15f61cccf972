//! The bank's question editor (issue 19): a form per kind over [`QuestionForm`], checked on the
//! page with the server's own rules (`Question::validate`, translated and placed at the part of
//! the form it concerns), a preview of the paper as a candidate gets it (shuffled, no key
//! marks), and saving: a new question, or a new version of an edited one.
//!
//! Rows are drawn by their number only (a `Memo` of the count), each input reading and writing
//! its own row: typing re-renders nothing, so the cursor stays where it is.

use super::editor_inputs::{remove_button, text_input};
use crate::error::AppError;
use crate::exam::api::save_question;
use crate::exam::editor::{field_of, AcceptedRow, ChoiceRow, PairRow, QuestionForm};
use crate::exam::model::{present, Question, QuestionKind};
use crate::i18n::{t, Msg};
use crate::ui::{FormStatus, SelectError};
use leptos::prelude::*;

/// The question the editor starts from: a new one of a kind, or a saved version.
#[derive(Clone, Debug, PartialEq)]
pub struct EditorStart {
    pub question_id: Option<i64>,
    pub subject: String,
    pub form: QuestionForm,
}

/// The question the form describes, checked as the server will check it.
fn checked(form: &QuestionForm) -> Result<Question, AppError> {
    let q = form.to_question().map_err(|(field, msg)| AppError::field(field, msg))?;
    q.validate().map_err(|msg| AppError::field(field_of(&q, msg), msg))?;
    Ok(q)
}

#[component]
pub fn QuestionEditor(
    start: EditorStart,
    on_saved: Callback<i64>,
    on_cancel: Callback<()>,
    /// Another kind picked: the form as that kind (`QuestionForm::with_kind`), for the page to
    /// open the editor again with.
    #[prop(optional)]
    on_kind: Option<Callback<QuestionForm>>,
) -> impl IntoView {
    let EditorStart { question_id, subject, form: initial } = start;
    let kind = initial.kind;
    let has_picture = initial.image.is_some();
    let form = RwSignal::new(initial);
    let error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let error_signal: Signal<Option<AppError>> = error.into();
    let subject = StoredValue::new(subject);
    // A new question's idempotency key, made at its first save and sent with every later try:
    // a save whose answer was lost, sent again, does not write the question twice.
    let request_key = StoredValue::new(String::new());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = match form.with_untracked(checked) {
            Ok(q) => q,
            Err(e) => return error.set(Some(e)),
        };
        let Ok(json) = serde_json::to_string(&q) else { return };
        busy.set(true);
        error.set(None);
        let subject = subject.get_value();
        if question_id.is_none() && request_key.with_value(String::is_empty) {
            #[cfg(feature = "hydrate")]
            request_key.set_value(crate::proctor::client::js::random_key().unwrap_or_default());
        }
        let key = request_key.get_value();
        leptos::task::spawn_local(async move {
            let r = save_question(question_id, subject, json, key).await;
            busy.set(false);
            match r {
                Ok(id) => on_saved.run(id),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let title = if question_id.is_some() { Msg::EditQuestion } else { Msg::NewQuestion };
    let answers = match kind {
        QuestionKind::Single | QuestionKind::Multiple => view! { <ChoiceRows form=form/> }.into_any(),
        QuestionKind::Short => view! { <AcceptedRows form=form/><super::units_editor::UnitRows form=form error=error_signal/> }.into_any(),
        QuestionKind::Matching => view! { <MatchingRows form=form/> }.into_any(),
        QuestionKind::Ordering => view! { <OrderingRows form=form/> }.into_any(),
        QuestionKind::Essay => view! { <p class="hint">{t(Msg::EssayNoKey)}</p> }.into_any(),
        QuestionKind::Cloze => view! { <super::gap_editor::ClozeHelp form=form/> }.into_any(),
        QuestionKind::DragText => view! { <super::gap_editor::DragRows form=form/> }.into_any(),
        QuestionKind::Calculated => view! { <super::calculated_editor::CalculatedRows form=form error=error_signal/> }.into_any(),
    };
    view! {
        <form class="question-editor" data-testid="question-editor" on:submit=save>
            <h2>{t(title)}" · "{t(kind.msg())}</h2>
            {on_kind.map(|change| view! {
                <div class="field">
                    <label for="f-kind">{t(Msg::Kind)}</label>
                    <select id="f-kind" data-testid="editor-kind" on:change=move |ev| {
                        if let Some(k) = QuestionKind::from_code(&event_target_value(&ev)) {
                            change.run(form.get_untracked().with_kind(k));
                        }
                    }>
                        {QuestionKind::ALL.into_iter().map(|k| view! { <option value=k.code() selected=k == kind>{t(k.msg())}</option> }).collect_view()}
                    </select>
                </div>
            })}
            {question_id.is_some().then(|| view! { <p class="hint">{t(Msg::NewVersionHint)}</p> })}
            {has_picture.then(|| view! { <p class="hint">{t(Msg::KeepsPicture)}</p> })}
            <FormStatus error=error_signal/>
            <SelectError error=error_signal field="subject"/>
            <SelectError error=error_signal field="question"/>
            <div class="field" class:invalid=move || crate::ui::field_error(error_signal, "text").get().is_some()>
                <label for="f-text">{t(Msg::QuestionText)}</label>
                <textarea id="f-text" rows="4" data-testid="editor-text"
                    prop:value=move || form.with(|f| f.text.clone())
                    on:input=move |ev| form.update(|f| f.text = event_target_value(&ev))></textarea>
                <SelectError error=error_signal field="text"/>
            </div>
            <div class="field">
                <label for="f-topic">{t(Msg::Topic)}</label>
                <input id="f-topic" data-testid="editor-topic" prop:value=move || form.with(|f| f.topic.clone())
                    on:input=move |ev| form.update(|f| f.topic = event_target_value(&ev))/>
                <SelectError error=error_signal field="topic"/>
            </div>
            <div class="field">
                <label for="f-points">{t(Msg::Score)}</label>
                <input id="f-points" type="number" min="1" max="100" data-testid="editor-points"
                    prop:value=move || form.with(|f| f.points.clone())
                    on:input=move |ev| form.update(|f| f.points = event_target_value(&ev))/>
                <SelectError error=error_signal field="points"/>
            </div>
            {answers}
            <SelectError error=error_signal field="answers"/>
            <div class="field">
                <label for="f-general-feedback">{t(Msg::GeneralFeedback)}</label>
                <textarea id="f-general-feedback" rows="2" data-testid="editor-general-feedback"
                    prop:value=move || form.with(|f| f.general_feedback.clone())
                    on:input=move |ev| form.update(|f| f.general_feedback = event_target_value(&ev))></textarea>
                <SelectError error=error_signal field="feedback"/>
            </div>
            <p>
                <button type="submit" class="primary" disabled=move || busy.get() data-testid="editor-save">{t(Msg::Save)}</button>" "
                <button type="button" on:click=move |_| on_cancel.run(())>{t(Msg::Cancel)}</button>
            </p>
            <QuestionPreview form=form question_id=question_id/>
        </form>
    }
}

/// Options with "correct", an optional share of the points and feedback (single and multiple choice).
#[component]
fn ChoiceRows(form: RwSignal<QuestionForm>) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.choices.len()));
    let multiple = form.with_untracked(|f| f.kind == QuestionKind::Multiple);
    let row = move |i: usize| {
        let n = i + 1;
        view! {
            <tr data-testid="editor-option">
                <td>{text_input(form, format!("{} {n}", t(Msg::AnswerOptions)()), move |f| f.choices.get(i).map(|c| c.text.clone()), move |f, v| if let Some(c) = f.choices.get_mut(i) { c.text = v })}</td>
                <td>
                    <input type=if multiple { "checkbox" } else { "radio" } name="editor-correct" aria-label=format!("{} {n}", t(Msg::CorrectOption)())
                        prop:checked=move || form.with(|f| f.choices.get(i).is_some_and(|c| c.correct))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(|f| {
                                // A radio button is not told when another one takes its place.
                                if !multiple && on {
                                    f.choices.iter_mut().for_each(|c| c.correct = false);
                                }
                                if let Some(c) = f.choices.get_mut(i) { c.correct = on; }
                            });
                        }/>
                </td>
                <td class="narrow">{text_input(form, format!("{} {n}", t(Msg::SharePercent)()), move |f| f.choices.get(i).map(|c| c.weight.clone()), move |f, v| if let Some(c) = f.choices.get_mut(i) { c.weight = v })}</td>
                <td>{text_input(form, format!("{} {n}", t(Msg::AnswerFeedback)()), move |f| f.choices.get(i).map(|c| c.feedback.clone()), move |f, v| if let Some(c) = f.choices.get_mut(i) { c.feedback = v })}</td>
                <td>{remove_button(form, i, |f, i| { if i < f.choices.len() { f.choices.remove(i); } })}</td>
            </tr>
        }
    };
    view! {
        <fieldset>
            <legend>{t(Msg::AnswerOptions)}</legend>
            <table class="list editor-rows">
                <thead><tr>
                    <th>{t(Msg::AnswerOptions)}</th><th>{t(Msg::CorrectOption)}</th><th>{t(Msg::SharePercent)}</th>
                    <th>{t(Msg::AnswerFeedback)}</th><th></th>
                </tr></thead>
                <tbody>{move || (0..count.get()).map(row).collect_view()}</tbody>
            </table>
            <small class="hint">{t(Msg::ShareHint)}</small>
            <p><button type="button" class="small" data-testid="editor-add"
                on:click=move |_| form.update(|f| f.choices.push(ChoiceRow::default()))>{t(Msg::AddRow)}</button></p>
        </fieldset>
    }
}

/// Accepted answers with a share, a tolerance and feedback; the case option (short answers).
#[component]
fn AcceptedRows(form: RwSignal<QuestionForm>) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.accepted.len()));
    let row = move |i: usize| {
        let n = i + 1;
        view! {
            <tr data-testid="editor-accepted">
                <td>{text_input(form, format!("{} {n}", t(Msg::AcceptedAnswers)()), move |f| f.accepted.get(i).map(|a| a.text.clone()), move |f, v| if let Some(a) = f.accepted.get_mut(i) { a.text = v })}</td>
                <td class="narrow">{text_input(form, format!("{} {n}", t(Msg::SharePercent)()), move |f| f.accepted.get(i).map(|a| a.weight.clone()), move |f, v| if let Some(a) = f.accepted.get_mut(i) { a.weight = v })}</td>
                <td class="narrow">{text_input(form, format!("{} {n}", t(Msg::Tolerance)()), move |f| f.accepted.get(i).map(|a| a.tolerance.clone()), move |f, v| if let Some(a) = f.accepted.get_mut(i) { a.tolerance = v })}</td>
                <td>{text_input(form, format!("{} {n}", t(Msg::AnswerFeedback)()), move |f| f.accepted.get(i).map(|a| a.feedback.clone()), move |f, v| if let Some(a) = f.accepted.get_mut(i) { a.feedback = v })}</td>
                <td>{remove_button(form, i, |f, i| { if i < f.accepted.len() { f.accepted.remove(i); } })}</td>
            </tr>
        }
    };
    view! {
        <fieldset>
            <legend>{t(Msg::AcceptedAnswers)}</legend>
            <table class="list editor-rows">
                <thead><tr>
                    <th>{t(Msg::AcceptedAnswers)}</th><th>{t(Msg::SharePercent)}</th><th>{t(Msg::Tolerance)}</th>
                    <th>{t(Msg::AnswerFeedback)}</th><th></th>
                </tr></thead>
                <tbody>{move || (0..count.get()).map(row).collect_view()}</tbody>
            </table>
            <small class="hint">{t(Msg::ShareHint)}" "{t(Msg::ToleranceHint)}</small>
            <p><button type="button" class="small" data-testid="editor-add"
                on:click=move |_| form.update(|f| f.accepted.push(AcceptedRow::default()))>{t(Msg::AddRow)}</button></p>
            <label class="option">
                <input type="checkbox" data-testid="editor-case" prop:checked=move || form.with(|f| f.case_sensitive)
                    on:change=move |ev| form.update(|f| f.case_sensitive = event_target_checked(&ev))/>
                " "{t(Msg::CaseSensitive)}
            </label>
        </fieldset>
    }
}

/// Pairs (left item, its right item) and right items without a pair (matching).
#[component]
fn MatchingRows(form: RwSignal<QuestionForm>) -> impl IntoView {
    let pairs = Memo::new(move |_| form.with(|f| f.pairs.len()));
    let extra = Memo::new(move |_| form.with(|f| f.distractors.len()));
    let pair = move |i: usize| {
        let n = i + 1;
        view! {
            <tr data-testid="editor-pair">
                <td>{text_input(form, format!("{} {n}", t(Msg::LeftItem)()), move |f| f.pairs.get(i).map(|p| p.left.clone()), move |f, v| if let Some(p) = f.pairs.get_mut(i) { p.left = v })}</td>
                <td>{text_input(form, format!("{} {n}", t(Msg::RightItem)()), move |f| f.pairs.get(i).map(|p| p.right.clone()), move |f, v| if let Some(p) = f.pairs.get_mut(i) { p.right = v })}</td>
                <td>{remove_button(form, i, |f, i| { if i < f.pairs.len() { f.pairs.remove(i); } })}</td>
            </tr>
        }
    };
    let distractor = move |i: usize| {
        let n = i + 1;
        view! {
            <li>
                {text_input(form, format!("{} {n}", t(Msg::Distractors)()), move |f| f.distractors.get(i).cloned(), move |f, v| if let Some(d) = f.distractors.get_mut(i) { *d = v })}" "
                {remove_button(form, i, |f, i| { if i < f.distractors.len() { f.distractors.remove(i); } })}
            </li>
        }
    };
    view! {
        <fieldset>
            <legend>{t(Msg::MatchingPairs)}</legend>
            <table class="list editor-rows">
                <thead><tr><th>{t(Msg::LeftItem)}</th><th>{t(Msg::RightItem)}</th><th></th></tr></thead>
                <tbody>{move || (0..pairs.get()).map(pair).collect_view()}</tbody>
            </table>
            <p><button type="button" class="small" data-testid="editor-add"
                on:click=move |_| form.update(|f| f.pairs.push(PairRow::default()))>{t(Msg::AddRow)}</button></p>
        </fieldset>
        <fieldset>
            <legend>{t(Msg::Distractors)}</legend>
            <ul class="editor-rows">{move || (0..extra.get()).map(distractor).collect_view()}</ul>
            <p><button type="button" class="small" on:click=move |_| form.update(|f| f.distractors.push(String::new()))>{t(Msg::AddRow)}</button></p>
        </fieldset>
    }
}

/// The items in their correct order (ordering), each movable up and down.
#[component]
fn OrderingRows(form: RwSignal<QuestionForm>) -> impl IntoView {
    let count = Memo::new(move |_| form.with(|f| f.items.len()));
    let shift = move |i: usize, up: bool| {
        form.update(|f| {
            let other = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < f.items.len()) };
            if let Some(j) = other {
                f.items.swap(i, j);
            }
        })
    };
    let row = move |i: usize| {
        let n = i + 1;
        view! {
            <li data-testid="editor-item">
                {text_input(form, format!("{} {n}", t(Msg::OrderingItems)()), move |f| f.items.get(i).cloned(), move |f, v| if let Some(x) = f.items.get_mut(i) { *x = v })}" "
                <button type="button" class="small" aria-label=move || format!("{} {n}", t(Msg::MoveUp)()) on:click=move |_| shift(i, true)><span aria-hidden="true">"↑"</span></button>
                <button type="button" class="small" aria-label=move || format!("{} {n}", t(Msg::MoveDown)()) on:click=move |_| shift(i, false)><span aria-hidden="true">"↓"</span></button>" "
                {remove_button(form, i, |f, i| { if i < f.items.len() { f.items.remove(i); } })}
            </li>
        }
    };
    view! {
        <fieldset>
            <legend>{t(Msg::OrderingItems)}</legend>
            // Moving a row changes the texts of two rows, not the count: each input reads its row.
            <ol class="editor-rows">{move || (0..count.get()).map(row).collect_view()}</ol>
            <p><button type="button" class="small" data-testid="editor-add"
                on:click=move |_| form.update(|f| f.items.push(String::new()))>{t(Msg::AddRow)}</button></p>
        </fieldset>
    }
}

/// The question as a candidate's paper shows it (`model::present`: options shuffled, no key),
/// read-only; nothing while the form does not make a question yet.
#[component]
fn QuestionPreview(form: RwSignal<QuestionForm>, question_id: Option<i64>) -> impl IntoView {
    // One shuffle for the whole editing session, as one candidate's paper keeps its own (a
    // calculated question's teacher may draw other values).
    let seed = RwSignal::new(0x5eed_u64);
    let presented = Memo::new(move |_| form.with(|f| f.to_question().ok()).map(|q| present(&q, seed.get())));
    let calculated = form.with_untracked(|f| f.kind == QuestionKind::Calculated);
    view! {
        <section class="question-preview" data-testid="editor-preview">
            <h3>{t(Msg::QuestionPreviewTitle)}</h3>
            {move || presented.get().map(|p| {
                let picture = p.image.as_deref().zip(question_id).map(|(key, id)| crate::exam::model::bank_picture_url(id, key));
                let body = match p.kind {
                    QuestionKind::Single | QuestionKind::Multiple => {
                        let kind = if p.kind == QuestionKind::Multiple { "checkbox" } else { "radio" };
                        p.options.iter().map(|o| view! {
                            <label class="option"><input type=kind disabled=true/>" "{o.clone()}</label>
                        }).collect_view().into_any()
                    }
                    QuestionKind::Short => match p.units.clone() {
                        Some(units) => view! {
                            <super::unit_answer::NumberWithUnit name="preview".to_string() labelled_by=String::new() units=units saved=String::new()/>
                        }.into_any(),
                        None => view! { <input class="answer" disabled=true/> }.into_any(),
                    },
                    QuestionKind::Essay => view! { <textarea class="answer" rows="4" disabled=true></textarea> }.into_any(),
                    QuestionKind::Matching => {
                        let right = p.right.clone();
                        p.options.iter().map(|left| view! {
                            <div class="match-row">
                                <span>{left.clone()}</span>
                                <select disabled=true>
                                    <option>"—"</option>
                                    {right.iter().map(|r| view! { <option>{r.clone()}</option> }).collect_view()}
                                </select>
                            </div>
                        }).collect_view().into_any()
                    }
                    QuestionKind::Ordering => view! {
                        <ol class="ordering">{p.options.iter().map(|o| view! { <li><span>{o.clone()}</span></li> }).collect_view()}</ol>
                    }.into_any(),
                    QuestionKind::Cloze | QuestionKind::DragText => {
                        // No paper here: the options are named by their own numbers.
                        let named = p.gaps.iter().flat_map(|g| g.order.iter()).max().map_or(0, |m| m + 1);
                        let ids: Vec<String> = (0..named).map(|i| i.to_string()).collect();
                        let gaps = crate::exam::dto::PaperGap::of(&p.gaps, &ids);
                        view! { <super::gap_text::GapText name="preview".to_string() pieces=p.pieces.clone() gaps=gaps saved=Vec::new()/> }.into_any()
                    }
                    QuestionKind::Calculated => {
                        let unit = p.unit.clone();
                        view! { <input class="answer" inputmode="decimal" disabled=true/>{(!unit.is_empty()).then(|| view! { " "<span class="unit">{unit}</span> })} }.into_any()
                    }
                };
                let stem = if p.gaps.is_empty() { p.text.clone() } else { String::new() };
                view! {
                    <ol class="paper">
                        <li class="question">
                            <p class="stem">{stem}<small class="muted">" ("{p.points}")"</small></p>
                            {picture.map(|src| view! { <img class="question-picture" src=src alt=t(Msg::QuestionPicture)/> })}
                            <div class="answers">{body}</div>
                        </li>
                    </ol>
                }
            })}
            {calculated.then(|| view! { <super::calculated_editor::CalculatedPreviewAnswer form=form seed=seed/> })}
        </section>
    }
}
