//! A group's profile: specialty (code and name), course, form and language of study, which
//! the performance report by specialty and the students' documents read.

use crate::admin::api::{get_group, SaveGroupProfile};
use crate::admin::model::{StudyForm, StudyLanguage, COURSES};
use crate::auth::shell::RequireUser;
use crate::i18n::{t, use_locale, Msg};
use crate::ui::{action_error, action_ok, ErrorNote, Field, FormStatus, SelectError};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn GroupPage() -> impl IntoView {
    view! { <RequireUser><Group/></RequireUser> }
}

#[component]
fn Group() -> impl IntoView {
    let id = crate::ui::id_param();
    let save = ServerAction::<SaveGroupProfile>::new();
    let error = action_error(save);
    let group = Resource::new(move || (id(), save.version().get()), |(id, _)| get_group(id));
    let locale = use_locale();
    view! {
        <Transition fallback=move || view! { <p class="muted">{t(Msg::Loading)}</p> }>
            {move || group.get().map(|r| match r {
                Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                Ok(g) => {
                    let p = g.profile.clone();
                    let code = p.as_ref().map(|p| p.specialty_code.clone()).unwrap_or_default();
                    let name = p.as_ref().map(|p| p.specialty_name.clone()).unwrap_or_default();
                    let course = p.as_ref().map_or(1, |p| p.course);
                    let form = p.as_ref().map(|p| p.study_form);
                    let language = p.as_ref().map(|p| p.study_language);
                    view! {
                        <section class="card narrow" data-testid="group-profile">
                            <h1>{g.name.clone()}</h1>
                            <p class="muted">{g.parent_name.clone()}</p>
                            <h2>{t(Msg::GroupProfileTitle)}</h2>
                            <p class="hint">{t(Msg::GroupProfileHint)}</p>
                            <ActionForm action=save>
                                <FormStatus error=error ok=(action_ok(save), Msg::GroupProfileSaved)/>
                                <input type="hidden" name="group_id" value=g.id/>
                                <Field label=Msg::RecSpecialtyCode name="specialty_code" value=Signal::stored(code) error=error required=true/>
                                <Field label=Msg::RecSpecialtyName name="specialty_name" value=Signal::stored(name) error=error required=true/>
                                <div class="field">
                                    <label for="f-course">{t(Msg::Course)}</label>
                                    <select id="f-course" name="course">
                                        {COURSES.map(|c| view! { <option value=c selected={c == course}>{c}</option> }).collect_view()}
                                    </select>
                                    <SelectError error=error field="course"/>
                                </div>
                                <div class="field">
                                    <label for="f-study_form">{t(Msg::StudyForm)}</label>
                                    <select id="f-study_form" name="study_form">
                                        {(form.is_none()).then(|| view! { <option value="" selected>"—"</option> })}
                                        {StudyForm::ALL.into_iter().map(|f| view! {
                                            <option value=f.code() selected={form == Some(f)}>{move || f.msg().text(locale.get())}</option>
                                        }).collect_view()}
                                    </select>
                                    <SelectError error=error field="study_form"/>
                                </div>
                                <div class="field">
                                    <label for="f-study_language">{t(Msg::RecStudyLanguage)}</label>
                                    <select id="f-study_language" name="study_language">
                                        {(language.is_none()).then(|| view! { <option value="" selected>"—"</option> })}
                                        {StudyLanguage::ALL.into_iter().map(|l| view! {
                                            <option value=l.code() selected={language == Some(l)}>{move || l.msg().text(locale.get())}</option>
                                        }).collect_view()}
                                    </select>
                                    <SelectError error=error field="study_language"/>
                                </div>
                                <button type="submit" class="primary" disabled=move || save.pending().get()>{t(Msg::Save)}</button>
                            </ActionForm>
                            <p><A href=format!("/records/groups/{}", g.id)>{t(Msg::RecOpenGroup)}</A></p>
                        </section>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
