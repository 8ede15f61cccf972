//! The campaigns' form on the operator's page (OLY-8): a new campaign with its stages,
//! eligibility and subjects.

use super::api::*;
use crate::i18n::{t, Msg};
use crate::ui::{action_error, action_ok, field_error, Field, FormStatus, SelectError};
use leptos::prelude::*;

#[component]
pub(crate) fn CampaignForm(create: ServerAction<CreateCampaign>) -> impl IntoView {
    let error = action_error(create);
    let when =
        move |label: Msg, name: &'static str| view! { <Field label=label name=name kind="datetime-local" error=error required=true/> };
    view! {
        <ActionForm action=create attr:data-testid="campaign-form">
            <FormStatus error=error ok=(action_ok(create), Msg::OlyCampaignCreated)/>
            <Field label=Msg::OlyCampaignTitle name="title" error=error required=true/>
            <fieldset class="stack">
                <legend>{t(Msg::OlyStages)}</legend>
                {when(Msg::OlyTeacherRegOpens, "teacher_reg_opens")}
                {when(Msg::OlyTeacherRegCloses, "teacher_reg_closes")}
                {when(Msg::OlyParticipantRegOpens, "participant_reg_opens")}
                {when(Msg::OlyParticipantRegCloses, "participant_reg_closes")}
                {when(Msg::OlyResultsAt, "results_at")}
                {when(Msg::OlyApplicationsOpen, "applications_opens")}
                {when(Msg::OlyApplicationsClose, "applications_closes")}
            </fieldset>
            <fieldset class="stack">
                <legend>{t(Msg::OlyEligibility)}</legend>
                <Field label=Msg::OlyGradeFrom name="grade_min" kind="number" error=error required=true/>
                <Field label=Msg::OlyGradeTo name="grade_max" kind="number" error=error required=true/>
                <label class="check"><input type="checkbox" name="rural_only" value="on"/>{t(Msg::OlyRuralOnly)}</label>
            </fieldset>
            <div class="field" class:invalid=move || field_error(error, "subjects").get().is_some()>
                <label for="f-subjects">{t(Msg::OlySubjects)}</label>
                <textarea id="f-subjects" name="subjects" rows="4" required></textarea>
                <small class="hint">{t(Msg::OlySubjectsHint)}</small>
                <SelectError error=error field="subjects"/>
            </div>
            <button type="submit" class="primary" disabled=move || create.pending().get()>{t(Msg::OlyCreateCampaign)}</button>
        </ActionForm>
    }
}
