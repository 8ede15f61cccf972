//! Seating olympiad participants in their stage's variants (OLY-3): the group of their region,
//! grade and language (an organisation under the region, where they hold the
//! `olympiad_participant` role) and one exam per subject in the region's window, made as needed.
//! A participant is seated when the stage is prepared, when they register after that, when their
//! region's window is set, when their grade or language is corrected, and when they give their
//! consent to olympiad participation again; withdrawing it unseats them.
//!
//! Apart from `sitting.rs` (which prepares and closes stages on the exam engine) so that the
//! consent's endpoints can seat and unseat without depending on the exam pages.

use super::store::{self, NewVariant, Stage};
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// The bank topic a variant draws from ("7-kk": each grade and language has its own questions).
pub fn topic(grade: i64, language: &str) -> String {
    format!("{grade}-{language}")
}

/// Seats a participant registered after the stage was prepared (nothing before that).
pub async fn seat_if_prepared(tx: &mut Transaction<'_, Any>, campaign_id: i64, participant_id: i64, now: i64) -> Result<(), AppError> {
    if let Some(stage) = store::stage(tx, campaign_id).await? {
        seat_with(tx, &stage, participant_id, now).await?;
    }
    Ok(())
}

/// Moves a participant whose grade or language was corrected (before they started a paper)
/// out of their old variant group and, once the stage is prepared, into the new one.
pub async fn reseat(tx: &mut Transaction<'_, Any>, campaign_id: i64, user_id: i64, now: i64) -> Result<(), AppError> {
    store::leave_variant_groups(tx, campaign_id, user_id).await?;
    let participant = store::participant_id(tx, campaign_id, user_id).await?;
    seat_if_prepared(tx, campaign_id, participant, now).await
}

/// Follows a participant's consent to olympiad participation (issue 21). Withdrawn: they
/// leave every variant group whose paper they have not started, so no stage paper can be
/// started (the start checks the group); what they started stays, with its result. Given
/// again: seated as at registration in every campaign they are registered in.
pub async fn follow_consent(tx: &mut Transaction<'_, Any>, user_id: i64, open: bool, now: i64) -> Result<(), AppError> {
    if !open {
        store::leave_unstarted_groups(tx, user_id).await?;
        return Ok(());
    }
    for (campaign_id, participant_id) in store::registrations(tx, user_id).await? {
        seat_if_prepared(tx, campaign_id, participant_id, now).await?;
    }
    Ok(())
}

/// What seating a participant came to.
pub(super) enum Seat {
    Seated,
    /// Their region has no window yet (the operator's panel counts them).
    NoWindow,
    /// They withdrew their consent to olympiad participation.
    Withdrawn,
}

/// Puts a participant into their variant group, creating the group and its exams as needed.
pub(super) async fn seat_with(tx: &mut Transaction<'_, Any>, stage: &Stage, participant_id: i64, now: i64) -> Result<Seat, AppError> {
    let store::ParticipantToSeat { campaign_id, user_id, school_id, grade, language, title } =
        store::participant_to_seat(tx, participant_id).await?;
    if crate::consent::store::withdrew(tx, user_id, crate::consent::model::Purpose::Olympiad).await? {
        return Ok(Seat::Withdrawn);
    }
    let Some(region_id) = store::region_of_school(tx, school_id).await? else {
        return Ok(Seat::NoWindow);
    };
    let Some((opens_at, closes_at)) = store::window(tx, campaign_id, region_id).await? else {
        return Ok(Seat::NoWindow);
    };
    let group_name = format!("{title} · {grade} · {language}");
    let group_id = match store::group_named(tx, region_id, &group_name).await? {
        Some(id) => id,
        None => store::add_group(tx, region_id, &group_name, now).await?,
    };
    crate::auth::store::grant(tx, user_id, crate::auth::model::Role::OlympiadParticipant, group_id).await?;
    for subject in store::subjects(tx, campaign_id).await? {
        if store::has_variant(tx, campaign_id, &subject, region_id, grade, &language).await? {
            continue;
        }
        let day = |ms: i64| crate::ui::time::format_local_input(ms).chars().take(10).collect::<String>();
        let draw = serde_json::json!([[topic(grade, &language), stage.questions]]).to_string();
        store::add_variant(
            tx,
            &NewVariant {
                campaign_id,
                subject: &subject,
                region_id,
                grade,
                language: &language,
                group_id,
                owner_id: stage.owner_id,
                semester_start: &day(opens_at),
                semester_end: &day(closes_at),
                journal_title: &format!("{subject} · {group_name}"),
                exam_title: &format!("{title}: {subject}"),
                opens_at,
                closes_at,
                duration_min: stage.duration_min,
                draw: &draw,
                proctor_mode: stage.proctor_mode,
                now,
            },
        )
        .await?;
    }
    Ok(Seat::Seated)
}

/// A region's new window reaches its variants' exams, and the region's participants not
/// seated yet (no window before) are seated (called where the window is set).
pub async fn follow_window(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    region_id: i64,
    opens_at: i64,
    closes_at: i64,
    now: i64,
) -> Result<(), AppError> {
    store::move_variant_exams(tx, campaign_id, region_id, opens_at, closes_at).await?;
    let Some(stage) = store::stage(tx, campaign_id).await? else { return Ok(()) };
    for id in store::participants_of_region(tx, campaign_id, region_id).await? {
        seat_with(tx, &stage, id, now).await?;
    }
    Ok(())
}
