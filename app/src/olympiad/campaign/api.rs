//! The campaigns' server functions: the operator's page and a new campaign. Both need
//! `olympiad.operate` on the root (campaigns and the directory are national).

use crate::error::AppError;
use crate::olympiad::model::*;
use leptos::prelude::*;

/// The operator's page: directory counts, campaigns, regions.
#[server(prefix = "/api", endpoint = "olympiad/operator")]
pub async fn operator_page() -> Result<OperatorOverview, AppError> {
    crate::api::respond(async move {
        let (_, st) = crate::olympiad::ssr::require_operator().await?;
        Ok(OperatorOverview {
            directory: crate::olympiad::directory::store::directory_summary(&st.db).await?,
            campaigns: super::store::campaigns(&st.db).await?,
            regions: crate::olympiad::directory::store::regions(&st.db).await?,
        })
    })
    .await
}

/// Creates a campaign. Times are datetime-local values (Kazakhstan time); `subjects` one per
/// line; `rural_only` is a checkbox (present = on).
#[server(prefix = "/api", endpoint = "olympiad/campaign/create")]
#[allow(clippy::too_many_arguments)]
pub async fn create_campaign(
    title: String,
    teacher_reg_opens: String,
    teacher_reg_closes: String,
    participant_reg_opens: String,
    participant_reg_closes: String,
    results_at: String,
    applications_opens: String,
    applications_closes: String,
    grade_min: String,
    grade_max: String,
    subjects: String,
    rural_only: Option<String>,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        use crate::ui::time::parse_local_datetime as when;
        let (caller, st) = crate::olympiad::ssr::require_operator().await?;
        let mut fields = crate::error::Fields::new();
        let title = fields.check("title", crate::auth::model::parse_name(&title));
        let times = [
            ("teacher_reg_opens", &teacher_reg_opens),
            ("teacher_reg_closes", &teacher_reg_closes),
            ("participant_reg_opens", &participant_reg_opens),
            ("participant_reg_closes", &participant_reg_closes),
            ("results_at", &results_at),
            ("applications_opens", &applications_opens),
            ("applications_closes", &applications_closes),
        ]
        .map(|(name, raw)| fields.check(name, when(raw)));
        let grade_min = fields.check("grade_min", parse_grade(&grade_min));
        let grade_max = fields.check("grade_max", parse_grade(&grade_max));
        if let (Some(lo), Some(hi)) = (grade_min, grade_max) {
            if hi < lo {
                fields.add("grade_max", Msg::ErrOlyGradeRange);
            }
        }
        let subjects = fields.check("subjects", parse_subjects(&subjects));
        let stages = match times {
            [Some(a), Some(b), Some(c), Some(d), Some(e), Some(f), Some(g)] => {
                let stages = Stages {
                    teacher_reg_opens: a,
                    teacher_reg_closes: b,
                    participant_reg_opens: c,
                    participant_reg_closes: d,
                    results_at: e,
                    applications_opens: f,
                    applications_closes: g,
                };
                for (field, msg) in stages.problems() {
                    fields.add(field, msg);
                }
                Some(stages)
            }
            _ => None,
        };
        fields.finish()?;
        let (Some(title), Some(stages), Some(lo), Some(hi), Some(subjects)) = (title, stages, grade_min, grade_max, subjects) else {
            return Err(AppError::Internal);
        };
        let rural_only = rural_only.is_some_and(|v| !v.is_empty() && v != "false");
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let id = super::store::insert_campaign(&mut tx, &title, &stages, (lo, hi), rural_only, &subjects, caller.user_id, now).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "olympiad.campaign.create",
                entity: "olympiad_campaign",
                entity_id: id.to_string(),
                org_id: Some(crate::admin::model::ROOT_ORG_ID),
                before: None,
                after: Some(serde_json::json!({
                    "title": title, "stages": stages, "grades": [lo, hi], "rural_only": rural_only, "subjects": subjects })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}
