//! The student card (TVT-9): the student, their group and its profile, the movement history,
//! and the form a college administrator records a movement with.

use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::records::api::{get_student_card, RecordMovement};
use crate::records::model::{MovementKind, StudentCard};
use crate::ui::{action_error, action_ok, ErrorNote, Field, FormStatus, SelectError};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn StudentCardPage() -> impl IntoView {
    view! { <RequireUser><Card/></RequireUser> }
}

#[component]
fn Card() -> impl IntoView {
    let id = crate::ui::id_param();
    let record = ServerAction::<RecordMovement>::new();
    let card = Resource::new(move || (id(), record.version().get()), |(id, _)| get_student_card(id));
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || card.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(c) => view! {
                    <div class="grid two">
                        <Facts card=c.clone()/>
                        <MovementForm card=c.clone() record=record/>
                    </div>
                    <History card=c/>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Facts(card: StudentCard) -> impl IntoView {
    let locale = use_locale();
    let dash = || "—".to_string();
    let profile = card.profile.clone();
    let (code, form, language, course) = match &profile {
        Some(p) => (format!("{} {}", p.specialty_code, p.specialty_name), Some(p.study_form), Some(p.study_language), p.course.to_string()),
        None => (dash(), None, None, dash()),
    };
    let standing = card.standing;
    view! {
        <section class="card" data-testid="student-card">
            <p class="muted">{t(Msg::RecStudentCard)}</p>
            <h1>{card.full_name.clone()}</h1>
            <dl class="facts">
                <dt>{t(Msg::Iin)}</dt><dd>{card.iin.clone()}</dd>
                <dt>{t(Msg::RecBirthDate)}</dt><dd>{card.birth_date.clone().unwrap_or_else(dash)}</dd>
                <dt>{t(Msg::KindCollege)}</dt><dd>{card.college.clone()}</dd>
                <dt>{t(Msg::Group)}</dt>
                <dd data-testid="card-group">{match card.group.clone() {
                    Some(g) => view! { <A href=format!("/records/groups/{}", g.id)>{g.name}</A> }.into_any(),
                    None => t(Msg::RecNoGroup).into_any(),
                }}</dd>
                <dt>{t(Msg::RecStanding)}</dt><dd data-testid="card-standing">{move || standing.msg().text(locale.get())}</dd>
                <dt>{t(Msg::Specialty)}</dt><dd>{code}</dd>
                <dt>{t(Msg::Course)}</dt><dd>{course}</dd>
                <dt>{t(Msg::StudyForm)}</dt><dd>{move || form.map_or_else(|| "—".to_string(), |f| f.msg().text(locale.get()).to_string())}</dd>
                <dt>{t(Msg::RecStudyLanguage)}</dt><dd>{move || language.map_or_else(|| "—".to_string(), |l| l.msg().text(locale.get()).to_string())}</dd>
            </dl>
        </section>
    }
}

#[component]
fn MovementForm(card: StudentCard, record: ServerAction<RecordMovement>) -> impl IntoView {
    let locale = use_locale();
    let error = action_error(record);
    let allowed: Vec<MovementKind> = MovementKind::RECORDABLE.into_iter().filter(|k| card.standing.allows(*k)).collect();
    let current = card.group.as_ref().map(|g| g.id);
    let groups: Vec<_> = card.groups.into_iter().filter(|g| Some(g.id) != current).collect();
    view! {
        <section class="card">
            <h2>{t(Msg::RecRecordMovement)}</h2>
            {if allowed.is_empty() {
                view! { <p class="muted">{t(Msg::ErrRecMovementNotAllowed)}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=record attr:data-testid="movement-form">
                        <FormStatus error=error ok=(action_ok(record), Msg::RecMovementSaved)/>
                        <input type="hidden" name="student_id" value=card.id/>
                        <div class="field">
                            <label for="f-kind">{t(Msg::RecMovementKind)}</label>
                            <select id="f-kind" name="kind">
                                {allowed.into_iter().map(|k| view! { <option value=k.code()>{move || k.msg().text(locale.get())}</option> }).collect_view()}
                            </select>
                            <SelectError error=error field="kind"/>
                        </div>
                        <Field label=Msg::RecMovementDate name="on_date" kind="date" error=error required=true/>
                        <div class="field">
                            <label for="f-to_group">{t(Msg::RecToGroup)}</label>
                            <select id="f-to_group" name="to_group">
                                <option value="">"—"</option>
                                {groups.into_iter().map(|g| view! { <option value=g.id>{g.name}</option> }).collect_view()}
                            </select>
                            <small class="hint">{t(Msg::RecToGroupHint)}</small>
                            <SelectError error=error field="to_group"/>
                        </div>
                        <Field label=Msg::RecOrder name="reason" error=error/>
                        <button type="submit" class="primary" disabled=move || record.pending().get()>{t(Msg::RecRecordMovement)}</button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn History(card: StudentCard) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card">
            <h2>{t(Msg::RecMovements)}</h2>
            {if card.movements.is_empty() {
                view! { <p class="muted">{t(Msg::RecNoMovements)}</p> }.into_any()
            } else {
                view! {
                    <table class="list" data-testid="movements">
                        <thead><tr>
                            <th>{t(Msg::RecMovementDate)}</th><th>{t(Msg::RecMovementKind)}</th><th>{t(Msg::RecFromGroup)}</th>
                            <th>{t(Msg::RecToGroup)}</th><th>{t(Msg::RecOrder)}</th><th>{t(Msg::RecRecordedBy)}</th>
                        </tr></thead>
                        <tbody>
                            {card.movements.into_iter().map(|m| {
                                let kind = m.kind;
                                view! {
                                    <tr>
                                        <td data-label=move || Msg::RecMovementDate.text(locale.get())>{m.on_date.clone()}</td>
                                        <td data-label=move || Msg::RecMovementKind.text(locale.get())>{move || kind.msg().text(locale.get())}</td>
                                        <td data-label=move || Msg::RecFromGroup.text(locale.get())>{m.from_group.clone().unwrap_or_default()}</td>
                                        <td data-label=move || Msg::RecToGroup.text(locale.get())>{m.to_group.clone().unwrap_or_default()}</td>
                                        <td data-label=move || Msg::RecOrder.text(locale.get())>{m.reason.clone()}</td>
                                        <td data-label=move || Msg::RecRecordedBy.text(locale.get())>{m.recorded_by.clone()}" · "{crate::ui::time::format_datetime(m.recorded_at)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}
